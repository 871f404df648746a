/**
 * A client for an authenticated home-automation WebSocket API (auth handshake, id-correlated commands with
 * retries, event subscriptions that survive reconnects), built only from tether-client's public extension points:
 * a {@link dev.tether.client.SessionProtocol} on a {@link dev.tether.client.ClientConnection}. An example, not a
 * shipped module.
 */
@NullMarked
package dev.tether.examples.homeautomation;

import org.jspecify.annotations.NullMarked;
