/**
 * A {@link dev.tether.server.spi.ClusterBroker} on NATS: {@link dev.tether.cluster.nats.NatsBroker} carries
 * publications over core NATS and keeps channel history and presence in JetStream.
 */
@NullMarked
package dev.tether.cluster.nats;

import org.jspecify.annotations.NullMarked;
