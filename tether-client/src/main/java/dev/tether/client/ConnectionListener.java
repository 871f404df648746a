package dev.tether.client;

import dev.tether.core.TetherException;
import org.jspecify.annotations.Nullable;

/**
 * Hears what happens to a {@link ClientConnection}. Every method has a no-op default.
 *
 * <p>Callbacks run on the connection's event loop, in the order things happen, never concurrently; keep them
 * short and never block. When a callback runs, the connection has already scheduled what follows (the next
 * attempt, the reconnect), so a test with a {@code ManualClock} can move time as soon as it hears of it. A
 * callback that throws is logged and does not disturb the connection.
 *
 * <p>A lifecycle that starts with {@link ClientConnection#connect()} ends in exactly one {@link #onEnded}.
 */
public interface ConnectionListener {

    /** The state changed; called for every transition, before the event that caused it (connected, ended…). */
    default void onStateChanged(ConnectionState from, ConnectionState to) {}

    /** The session is ready: upgraded, and the session protocol's handshake and re-subscribe succeeded. */
    default void onConnected(ClientSession session) {}

    /** A ready session ended; once per drop, never repeated for the attempts that follow. */
    default void onDisconnected(Disconnection disconnection) {}

    /**
     * One attempt to establish the session failed and another is scheduled (or the loop gives up right after):
     * {@code connection attempt N failed: …} or {@code reconnection attempt N failed: …}, with the cause.
     */
    default void onAttemptFailed(int attempt, ConnectionException error) {}

    /** Something failed that does not end the connection, e.g. a {@code sendWithRetry} whose reconnect failed. */
    default void onError(TetherException error) {}

    /**
     * The connection stopped for good: no reconnect follows until {@link ClientConnection#connect()} is called
     * again. {@code error} is null when it ended normally (the server closed with 1000, or the application
     * disconnected); otherwise it says why it gave up, e.g. {@code failed to reconnect after 5 attempts: …}.
     */
    default void onEnded(@Nullable TetherException error) {}
}
