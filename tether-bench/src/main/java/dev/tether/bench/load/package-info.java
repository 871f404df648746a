/**
 * The load generator behind {@code tether bench} and the servers it measures: {@link dev.tether.bench.load.LoadGenerator}
 * drives a server at a loopback URL over Netty (no Tether client on the hot path) and returns a
 * {@link dev.tether.bench.load.LoadReport}; {@link dev.tether.bench.load.EchoServers} starts the raw Netty echo
 * server (the practical upper bound) and the Tether echo server.
 */
@NullMarked
package dev.tether.bench.load;

import org.jspecify.annotations.NullMarked;
