/**
 * A {@link dev.tether.server.spi.ClusterBroker} on Redis: {@link dev.tether.cluster.redis.RedisBroker} carries
 * publications between the nodes of a cluster over Redis Pub/Sub and keeps channel history and presence in Redis.
 */
@NullMarked
package dev.tether.cluster.redis;

import org.jspecify.annotations.NullMarked;
