/**
 * Extension points of the server: the {@link dev.tether.server.spi.ClusterBroker} that carries channel
 * publications between nodes, and the {@link dev.tether.server.spi.MeterSource} through which a mounted part (a media
 * endpoint, the WebRTC signaling handler) registers its meters in the server's registry.
 */
@NullMarked
package dev.tether.server.spi;

import org.jspecify.annotations.NullMarked;
