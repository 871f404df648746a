package dev.tether.server;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import org.jspecify.annotations.Nullable;

/**
 * One connection of a raw {@link WebSocketEndpoint}, from the completed handshake until it closes.
 *
 * <p>Every method may be called from any thread, and none blocks. {@link #sendText} and {@link #sendBinary} queue
 * the message for the connection's I/O thread, which coalesces queued messages into few writes; messages sent from
 * one thread go out in the order they were sent. The queue is bounded by the endpoint's
 * {@link WebSocketEndpoint#maxQueuedBytes()}: what happens to a message that does not fit is the endpoint's
 * {@link WebSocketEndpoint#overflowPolicy()}. The bound limits what waits, not how large one message may be: a
 * message is always taken when nothing is queued.
 */
public interface WebSocketSession {

    /** A random id, unique for the life of the server. */
    UUID id();

    /** The upgrade request: path, query, headers and remote address (its body is empty). */
    HttpRequest request();

    /**
     * Who the client is, as the endpoint's (or the server's) {@link Authenticator} decided at the handshake;
     * {@link Identity#anonymous()} without one.
     */
    Identity identity();

    /** The client's address as the server saw it. */
    InetSocketAddress remoteAddress();

    /** The subprotocol agreed in the handshake, or {@code null} when none was. */
    @Nullable
    String subprotocol();

    /** State owned by the application: a thread-safe map whose values must not be {@code null}. */
    Map<String, Object> attributes();

    /** Whether the session is open: the handshake completed and no close has started. */
    boolean isOpen();

    /**
     * Queues {@code text} as a text message.
     *
     * @return whether it was queued: {@code false} when the session is not open or the queue is full
     */
    boolean sendText(String text);

    /**
     * Queues a copy of {@code data} as a binary message.
     *
     * @return whether it was queued: {@code false} when the session is not open or the queue is full
     */
    boolean sendBinary(byte[] data);

    /** Bytes queued for the client and not yet written to the socket. */
    long queuedBytes();

    /** Whether the outbound queue is below the server's high water mark. */
    boolean isWritable();

    /** Messages refused because the outbound queue was full. */
    long droppedMessages();

    /**
     * Starts the closing handshake: messages queued before are sent first, nothing after. If the client does not
     * answer within the server's close timeout the connection is dropped. Does nothing once closing.
     */
    void close(int code, String reason);

    /** Closes with 1000 and no reason. */
    default void close() {
        close(1000, "");
    }

    /**
     * The connection's own I/O thread as an executor: tasks run there one at a time, in the order given, and in order
     * with this connection's listener callbacks when they run on that thread (the default; not with
     * {@link WebSocketEndpoint.Builder#blockingListener(boolean) blockingListener}). For state a protocol keeps per
     * connection and for timers, e.g. {@code clock.schedule(delay, task, session.executor())}, so that nothing
     * needs a lock. Tasks must be short and never block: they stall every connection of that thread.
     *
     * <p>The executor is shared with other connections and lives as long as the server: it cannot be shut down
     * ({@code shutdown()} throws {@link UnsupportedOperationException}), and after the server stopped it refuses
     * tasks with {@link java.util.concurrent.RejectedExecutionException}. Tasks still run after this connection
     * closed; check {@link #isOpen()}.
     */
    ScheduledExecutorService executor();

    /** Completes with how the connection ended, after {@link WebSocketListener#onClose}. */
    CompletionStage<CloseStatus> closeFuture();
}
