/**
 * The servers {@code tether bench} is measured against in {@code bench/compare.sh}:
 * {@link dev.tether.bench.servers.EchoServers} starts the raw Netty echo server (the practical upper bound), the
 * Vert.x echo server (a framework baseline) and Tether's bench server ({@link dev.tether.bench.servers.EchoHandler}).
 * Not shipped: the {@code tether} command carries only the load generator.
 */
@NullMarked
package dev.tether.bench.servers;

import org.jspecify.annotations.NullMarked;
