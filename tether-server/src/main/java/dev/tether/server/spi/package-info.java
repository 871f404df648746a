/**
 * Extension points of the server: the {@link dev.tether.server.spi.ClusterBroker} that carries channel
 * publications between nodes.
 */
@NullMarked
package dev.tether.server.spi;

import org.jspecify.annotations.NullMarked;
