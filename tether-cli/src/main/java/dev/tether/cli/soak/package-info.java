/**
 * The soak test behind {@code tether soak}: {@link dev.tether.cli.soak.MixedLoad} drives a demo server at a loopback
 * URL with RPC calls, streams, chat fan-out, stalled readers and connection churn, {@link dev.tether.cli.soak.Soak}
 * samples the server's resources from its {@code /metrics} every interval, and {@link dev.tether.cli.soak.Growth}
 * decides whether any of them grew. docs/reliability.md explains the method.
 */
@NullMarked
package dev.tether.cli.soak;

import org.jspecify.annotations.NullMarked;
