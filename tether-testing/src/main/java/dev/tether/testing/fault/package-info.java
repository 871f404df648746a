/**
 * A WebSocket server that misbehaves on purpose, for testing clients: {@link dev.tether.testing.fault.FaultServer}
 * runs on loopback port 0 and meets every connection with a scripted {@link dev.tether.testing.fault.Fault}
 * (refuse the upgrade, close at once, drop after N bytes or a delay, stall, ignore pings), and otherwise echoes;
 * {@link dev.tether.testing.fault.FaultProxy} stands between a client and a real server and cuts the connections
 * when told to.
 *
 * <p>It depends on Netty and tether-core only, not on the Tether server, so that it tests clients against a
 * peer that shares no code with them.
 */
@NullMarked
package dev.tether.testing.fault;

import org.jspecify.annotations.NullMarked;
