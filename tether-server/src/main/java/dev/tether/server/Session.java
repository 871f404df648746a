package dev.tether.server;

import dev.tether.core.Packet;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * One client connection, from the completed handshake until it closes.
 *
 * <p>Every method may be called from any thread. {@link #send} never blocks: it encodes the packet on the
 * calling thread and queues it for the session's I/O thread, which coalesces queued packets into few writes.
 * Packets sent from one thread go out in the order they were sent.
 *
 * <p>The outbound queue is bounded. Past {@link ServerConfig#writeBufferHighWaterMarkBytes()} the session
 * reports {@link #isWritable()} {@code false} until the queue drains below the low water mark; a send that
 * would take the queue past {@link ServerConfig#maxQueuedBytes()} while other packets wait is refused:
 * {@code send} returns {@code false}, the packet is dropped and counted in {@link #droppedPackets()}, a warning is
 * logged, and the session stays open. The bound limits what waits, not one packet: a packet is always taken when
 * nothing waits, however large.
 *
 * <pre>{@code
 * public void onPacket(Session session, Packet packet) {
 *     session.attributes().put("seen", true);
 *     session.send(Map.of("echo", packet.data()));
 * }
 * }</pre>
 */
public interface Session {

    /** A random id, unique for the life of the server. */
    UUID id();

    /** The kind of client, decided by the subprotocol at the handshake. */
    ClientType clientType();

    /** The client's address as the server saw it. */
    InetSocketAddress remoteAddress();

    /**
     * Who the client is, as the server's {@link Authenticator} decided at the handshake; {@link Identity#anonymous()}
     * on a server without one. Fixed for the session's life.
     */
    Identity identity();

    /** Where this session is in its life. */
    SessionState state();

    /** Whether the session is {@link SessionState#OPEN}. */
    default boolean isOpen() {
        return state() == SessionState.OPEN;
    }

    /**
     * The session state read by permission predicates and filters: a thread-safe map owned by the application.
     * Values must not be {@code null}.
     */
    Map<String, Object> attributes();

    /**
     * Queues {@code data} for the client: a {@link Packet} is sent as it is, any other value (or
     * {@code null}) as a {@code CUSTOM} packet. Messages over 64 KiB go out in 64 KiB frames.
     *
     * @return {@code true} if the packet was queued; {@code false} if the session is not open or the outbound
     *     queue is full
     * @throws dev.tether.core.EncodingException if {@code data} cannot be written in the client's format
     */
    boolean send(@Nullable Object data);

    /**
     * Subscribes to channel names or glob patterns (see {@link dev.tether.core.ChannelPattern}) with the server's
     * default {@link SlowConsumerPolicy}; subscribing to a name already subscribed keeps it.
     *
     * @return {@code false}, with no subscription made, if the new names would pass
     *     {@link ServerConfig#maxSubscribedChannels()} or the session is not open
     * @throws IllegalArgumentException if a pattern is malformed (an unclosed {@code [})
     */
    boolean subscribe(String... names);

    /**
     * Subscribes like {@link #subscribe(String...)} with {@code policy} for what happens when this client
     * cannot keep up with these channels; subscribing again to a name changes its policy.
     */
    boolean subscribe(Collection<String> names, SlowConsumerPolicy policy);

    /**
     * Ends subscriptions; names not subscribed are ignored.
     *
     * @return whether any subscription ended
     */
    boolean unsubscribe(String... names);

    /** A copy of the names and patterns this session subscribes to. Subscriptions end with the session. */
    Set<String> subscriptions();

    /** Bytes queued for this client and not yet written to the socket. */
    long queuedBytes();

    /** Whether the outbound queue is below its high water mark; see the class documentation. */
    boolean isWritable();

    /** Packets refused by {@link #send} because the outbound queue was full. */
    long droppedPackets();

    /**
     * Starts the closing handshake with {@code code} and {@code reason}: packets queued before are sent
     * first, nothing after. If the client does not answer within the server's close timeout the connection
     * is dropped. Does nothing if the session is already closing.
     */
    void close(int code, String reason);

    /** Closes with 1000 and no reason. */
    default void close() {
        close(1000, "");
    }

    /** Completes with the close status once the session is {@link SessionState#CLOSED}. */
    CompletionStage<CloseStatus> closeFuture();

    /**
     * Waits up to {@code timeout} for the next packet, in pull mode (a server built without a handler).
     * Packets that arrived before the session closed are still returned; after them this throws.
     *
     * @throws ReceiveTimeoutException if no packet arrived in time
     * @throws SessionClosedException if the session closed and no packet is left
     * @throws IllegalStateException if the server has a handler (packets go to it instead)
     */
    Packet recv(Duration timeout) throws InterruptedException;
}
