/** The implementation of tether-cluster-redis: the envelope, key names, glob translation, Lua scripts. Not an API. */
@NullMarked
package dev.tether.cluster.redis.internal;

import org.jspecify.annotations.NullMarked;
