package dev.tether.server;

/**
 * Receives the events of the connections of one raw {@link WebSocketEndpoint}: messages arrive as they came,
 * with no protocol on top.
 *
 * <p>Lifecycle: {@link #onOpen} once the handshake completed, then {@link #onText} and {@link #onBinary} for each
 * complete message in arrival order, {@link #onError} for a failure worth knowing about (a protocol violation by
 * the client, an exception thrown by this listener), and exactly one {@link #onClose}, last. Callbacks of one
 * connection never run concurrently.
 *
 * <p>Threading: by default callbacks run on the connection's I/O thread and must never block (they stall every
 * connection of that thread); with {@link WebSocketEndpoint.Builder#blockingListener(boolean)} they run on a worker
 * thread, still in order. A callback that throws is reported to {@link #onError} and closes the connection with
 * 1011.
 *
 * <pre>{@code
 * WebSocketEndpoint echo = WebSocketEndpoint.builder("/echo", new WebSocketListener() {
 *     public void onText(WebSocketSession session, String text) {
 *         session.sendText(text);
 *     }
 *
 *     public void onBinary(WebSocketSession session, byte[] data) {
 *         session.sendBinary(data);
 *     }
 * }).build();
 * }</pre>
 */
public interface WebSocketListener {

    /** The handshake completed; the session may send from now on. */
    default void onOpen(WebSocketSession session) {}

    /** A complete text message arrived (valid UTF-8, reassembled from its fragments). */
    default void onText(WebSocketSession session, String text) {}

    /** A complete binary message arrived, reassembled from its fragments; the array is the listener's. */
    default void onBinary(WebSocketSession session, byte[] data) {}

    /**
     * Something went wrong on this connection: the client broke the protocol (the connection is failed with the
     * close code RFC 6455 prescribes) or a callback of this listener threw (the connection is closed with 1011).
     * {@link #onClose} follows.
     */
    default void onError(WebSocketSession session, Throwable error) {}

    /** The connection ended, however it ended; the last callback. */
    default void onClose(WebSocketSession session, CloseStatus status) {}
}
