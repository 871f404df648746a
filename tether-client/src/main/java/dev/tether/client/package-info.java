/**
 * The resilient Tether client connection: {@link dev.tether.client.ClientConnection} keeps one WebSocket alive
 * against real networks and real servers, in three layers that are configured and tested apart.
 *
 * <ol>
 *   <li>Establishing: bounded, backed-off attempts with connect and handshake timeouts.
 *   <li>Recovering: after a drop, reconnect unless the server closed normally or the application disconnected
 *       on purpose; quick-failure and early-drop budgets stop a loop that cannot succeed.
 *   <li>Supervising: {@link dev.tether.client.Supervisor} restarts a whole service with a restart budget.
 * </ol>
 *
 * <p>An application protocol runs on the connection through {@link dev.tether.client.SessionProtocol}:
 * a handshake (authentication) and a re-subscribe step after every reconnect, and inbound messages.
 *
 * <p>Everything here speaks JDK types; Netty stays in {@code dev.tether.client.internal}, which is not an API.
 */
@NullMarked
package dev.tether.client;

import org.jspecify.annotations.NullMarked;
