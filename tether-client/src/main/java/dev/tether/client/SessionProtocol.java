package dev.tether.client;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * An application protocol that runs on a {@link ClientConnection}: the step that makes a fresh socket a usable
 * session (authenticate), the step that restores state after a reconnect (subscribe again), and the inbound
 * messages.
 *
 * <p>After each WebSocket upgrade the connection calls {@link #handshake}, then on a reconnect
 * {@link #resubscribe}; the session is ready ({@link ConnectionState#CONNECTED},
 * {@link ConnectionListener#onConnected}) only when both stages complete, and both count against the
 * connection's handshake timeout. A stage that fails with {@link AuthenticationException} is fatal (no retry);
 * any other failure counts as a failed attempt and is retried.
 *
 * <p>Every callback runs on the connection's event loop, in order, never concurrently: keep them short and
 * never block (hand blocking work to an executor). Inbound messages of a session reach this protocol from the
 * upgrade on, so a handshake can read the server's answers. A protocol that correlates requests by id keeps its
 * counter and its subscriptions in its own fields: they outlive sessions.
 *
 * <p>Every method has a default, so a protocol that only reads messages is one method long.
 */
public interface SessionProtocol {

    /** No handshake, no re-subscribe, inbound messages ignored. */
    SessionProtocol NONE = new SessionProtocol() {};

    /**
     * Makes a fresh socket a usable session, for example by authenticating. Runs after every upgrade.
     *
     * @return completes when the session may be used; fail it with {@link AuthenticationException} when the
     *     server rejects the credentials
     */
    default CompletionStage<Void> handshake(ClientSession session) {
        return CompletableFuture.completedFuture(null);
    }

    /**
     * Restores what the server forgot with the old socket (subscriptions), after {@link #handshake}, on every
     * reconnect ({@link ClientSession#isReconnect()}); not on the first connect.
     */
    default CompletionStage<Void> resubscribe(ClientSession session) {
        return CompletableFuture.completedFuture(null);
    }

    /** A text message arrived (continuation frames already joined). */
    default void onText(ClientSession session, String text) {}

    /** A binary message arrived (continuation frames already joined). The array is the protocol's to keep. */
    default void onBinary(ClientSession session, byte[] bytes) {}

    /**
     * The application is disconnecting on purpose from a ready session: say goodbye (unsubscribe) before the
     * close frame. The close waits for the stage at most {@link ConnectionConfig#closeTimeout()}.
     */
    default CompletionStage<Void> beforeDisconnect(ClientSession session) {
        return CompletableFuture.completedFuture(null);
    }

    /**
     * The session's socket closed, for any reason, ready or not. Fail the requests that were waiting on this
     * session with a retryable error; they will not be answered.
     */
    default void onSessionClosed(ClientSession session) {}
}
