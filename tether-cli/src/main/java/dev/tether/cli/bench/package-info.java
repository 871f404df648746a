/**
 * The load generator behind {@code tether bench}: {@link dev.tether.cli.bench.LoadGenerator} drives a server at a
 * loopback URL over Netty (no Tether client on the hot path) and returns a {@link dev.tether.cli.bench.LoadReport}.
 * The servers it is compared against (raw Netty, Vert.x, Tether's bench server) live in {@code tether-bench}, which
 * is not shipped. The exceptions run in this process: the media server of {@code bench media} and the nodes of
 * {@code bench fanout --nodes} ({@link dev.tether.cli.bench.FanoutNodes}). {@link dev.tether.cli.bench.ClientLoad}
 * ({@code bench client}) is the other way round: it measures the Tether client itself, one connection of it.
 */
@NullMarked
package dev.tether.cli.bench;

import org.jspecify.annotations.NullMarked;
