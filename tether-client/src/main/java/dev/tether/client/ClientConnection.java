package dev.tether.client;

import dev.tether.client.internal.DefaultClientConnection;
import java.net.URI;
import java.util.concurrent.CompletionStage;

/**
 * A WebSocket connection that keeps itself alive: it establishes the session with bounded, backed-off
 * attempts, reconnects after drops within quick-failure and early-drop budgets, notices half-open sockets by
 * heartbeat, and runs an application {@link SessionProtocol} (handshake, re-subscribe) on every new socket.
 *
 * <pre>{@code
 * ClientConnection connection = ClientConnection.create(ConnectionConfig.builder()
 *         .uri("ws://localhost:8765/")
 *         .protocol(new SessionProtocol() {
 *             public void onText(ClientSession session, String text) { System.out.println(text); }
 *         })
 *         .build());
 * connection.connect().thenRun(() -> connection.send("hello"));
 * }</pre>
 *
 * <p><b>Lifecycle.</b> {@link ConnectionState#DISCONNECTED} until {@link #connect()}; then
 * {@link ConnectionState#CONNECTING} while attempts run, {@link ConnectionState#CONNECTED} once ready, back to
 * CONNECTING while it reconnects after a drop, and DISCONNECTED when it stops for good (server closed with 1000,
 * {@link #disconnect()}, or a budget ran out); {@link #connect()} may start it again. {@link #close()} ends in
 * {@link ConnectionState#CLOSED}. Each lifecycle ends in exactly one {@link ConnectionListener#onEnded}.
 *
 * <p><b>Threading.</b> Every method is safe from any thread and never blocks; results arrive as
 * {@link CompletionStage}s. The connection lives on one event loop: listeners, the session protocol and stages
 * completed by the connection run there, in order, and must not block.
 */
public interface ClientConnection {

    /** A connection with {@code config}, not yet connected. */
    static ClientConnection create(ConnectionConfig config) {
        return new DefaultClientConnection(config);
    }

    /**
     * Starts establishing the session (layer 1) if none is running.
     *
     * @return completes when the session is ready; fails with the give-up error ({@link ServerNotFoundException},
     *     {@link AuthenticationException}, or {@link ConnectionException}), or with a
     *     {@link java.util.concurrent.CancellationException} when disconnected meanwhile. While an attempt is
     *     already running this returns that attempt's stage; when ready, a completed stage.
     */
    CompletionStage<Void> connect();

    /**
     * Drops the current socket (if any) and establishes a new session with the reconnect backoff.
     *
     * @return completes when the new session is ready or fails with the give-up error; fails at once with
     *     {@link ReconnectInProgressException} when a connect or reconnect is already running
     */
    CompletionStage<Void> reconnect();

    /**
     * Sends a text message on the ready session, or handles it by the {@link OutboundBufferPolicy} while there
     * is none. Never blocks.
     *
     * @return completes when the frame was handed to the network; fails at once with {@link SendRejectedException}
     *     when not accepted (buffer full, or FAIL_FAST while not ready)
     */
    CompletionStage<Void> send(String text);

    /** Sends a binary message; see {@link #send(String)}. The array is copied before this returns. */
    CompletionStage<Void> send(byte[] bytes);

    /**
     * Sends a text message, and if the socket turns out dead (not ready, or the write fails) reconnects once and
     * sends it exactly once more. If the reconnect fails, the returned stage fails with the cause and
     * {@link ConnectionListener#onError} hears of it; nothing is thrown.
     */
    CompletionStage<Void> sendWithRetry(String text);

    /** Binary form of {@link #sendWithRetry(String)}. */
    CompletionStage<Void> sendWithRetry(byte[] bytes);

    /**
     * Stops on purpose: cancels running attempts, lets the protocol say goodbye, sends close 1000 and waits at
     * most {@link ConnectionConfig#closeTimeout()} for the server's answer before dropping the socket. Never
     * reconnects and reports no error. {@link #connect()} may start again afterwards.
     *
     * @return completes when the socket is closed
     */
    CompletionStage<Void> disconnect();

    /**
     * Disconnects, moves to {@link ConnectionState#CLOSED} for good and releases the event loop group if the
     * connection created it.
     */
    CompletionStage<Void> close();

    /** The current state; may change right after it is read. */
    ConnectionState state();

    /** Whether the connection has ever been ready; latches at the first {@link ConnectionState#CONNECTED}. */
    boolean everConnected();

    /** Bytes accepted by {@code send} and not yet handed to the network. */
    long queuedBytes();

    /** Whether a send of one more byte would be accepted now. */
    boolean isWritable();

    /** The URI this connection connects to. */
    URI uri();

    /** The configuration this connection was made with. */
    ConnectionConfig config();

    /** Adds a listener after the build-time ones; it hears events from now on. */
    void addListener(ConnectionListener listener);

    /** Removes a listener added by {@link #addListener}. */
    void removeListener(ConnectionListener listener);
}
