package dev.tether.server;

import dev.tether.core.Packet;

/**
 * The application's side of a server: lifecycle callbacks for every session.
 *
 * <p>For one session the callbacks run in order and never concurrently: {@link #onConnect} first, then
 * {@link #onPacket} for each packet in arrival order, then exactly one {@link #onDisconnect}. By default they
 * run on a worker thread (a virtual thread when the JVM has them), so they may block; a handler class
 * annotated {@link NonBlocking} runs them on the session's I/O thread instead and must never block.
 *
 * <p>A callback that throws is logged with the session id and the session is closed with 1011; the server
 * and the other sessions are unaffected. Every method has a no-op default.
 */
public interface TetherHandler {

    /** A client completed the handshake. */
    default void onConnect(Session session) {}

    /** A packet arrived; input that did not decode arrives as an {@code UNKNOWN} packet with the raw bytes. */
    default void onPacket(Session session, Packet packet) {}

    /** The session ended; called exactly once per session, after every {@link #onPacket} call. */
    default void onDisconnect(Session session, CloseStatus status) {}
}
