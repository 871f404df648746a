package dev.tether.client;

import dev.tether.client.internal.DefaultTetherClient;
import dev.tether.core.Cancellable;
import dev.tether.core.Packet;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * A webshocket.v1 client: RPC calls and streams, channels and plain packets, on a {@link ClientConnection} that
 * reconnects by itself. Wire-compatible with Tether servers and with the Python webshocket server.
 *
 * <pre>{@code
 * TetherClient client = TetherClient.create("ws://localhost:8765/");
 * client.connect().toCompletableFuture().join();
 * Object sum = client.call("add", 10, 20).join();                 // 30
 * client.onChannel("news.*", packet -> System.out.println(packet.data()));
 * client.join("news.sport");                                         // joined again after every reconnect
 * client.subscribe("chat.room", p -> System.out.println(p.data())); // restored with what was missed
 * client.stream("count", 3).subscribe(subscriber);                   // items as they come, as requested
 * client.close();
 * }</pre>
 *
 * <p><b>Lifecycle.</b> The connection's: {@link #connect()} establishes it (bounded, backed-off attempts), a drop
 * reconnects it (see {@link ClientConnection}), {@link #disconnect()} stops it and {@link #close()} ends it for good.
 * After every reconnect the client calls {@link TetherClientConfig#joinMethod()} again for every channel joined
 * with {@link #join}, before the session counts as ready; a join the server refuses with an error reply is logged
 * and forgotten, a join that times out or is cut off fails the attempt (it is retried). Subscriptions made with
 * {@link #subscribe} are restored in the same step, recovering the publications missed meanwhile.
 *
 * <p><b>Calls.</b> Each call gets a fresh call id and waits at most its timeout (30 s by default). A reply for an
 * id that is unknown or already answered is ignored (the Python server sends a second, empty reply after some
 * errors). When the connection drops, every waiting call and stream fails with the retryable
 * {@link RpcDisconnectedException}. At most {@link TetherClientConfig#maxPendingCalls()} calls and streams wait at
 * once; one more fails at once. While the connection is not ready a call fails at once with
 * {@code Cannot send RPC: client is not connected.} (or waits in the connection's outbound queue with
 * {@link OutboundBufferPolicy#QUEUE}).
 *
 * <p><b>Inbound packets.</b> An RPC reply goes to its call. A CHANNEL packet of a channel subscribed with
 * {@link #subscribe} goes to its {@link SubscriptionListener} only; any other goes to every channel listener whose
 * name or pattern matches its channel; one that no channel listener takes, and every other packet, goes to the
 * receive listeners, or, while none is registered, to the queue {@link #recv} reads (bounded: see
 * {@link TetherClientConfig#receiveQueuePackets()}).
 *
 * <p><b>Threading.</b> Every method is safe from any thread and, except {@link #recv}, never blocks. Listeners run
 * on the connection's event loop, in arrival order, never concurrently: keep them short and hand blocking work to
 * an executor. Call futures complete on the event loop (answers, drops) or on the clock's thread (timeouts); use
 * the {@code *Async} methods of {@link CompletableFuture} for blocking continuations. A stream's subscriber is
 * signalled serially, from the event loop or from the thread that calls {@link Flow.Subscription#request}.
 */
public interface TetherClient {

    /** A client for {@code uri} with every default, not yet connected. */
    static TetherClient create(String uri) {
        return create(TetherClientConfig.builder().uri(uri).build());
    }

    /** A client with {@code config}, not yet connected. */
    static TetherClient create(TetherClientConfig config) {
        return new DefaultTetherClient(config);
    }

    /** Establishes the connection; see {@link ClientConnection#connect()}. */
    CompletionStage<Void> connect();

    /** Stops on purpose (close 1000), never reconnecting; see {@link ClientConnection#disconnect()}. */
    CompletionStage<Void> disconnect();

    /** Disconnects and releases the connection's thread; the client cannot connect again. */
    CompletionStage<Void> close();

    /** The connection underneath: its state, listeners, {@code reconnect()}, queued bytes. */
    ClientConnection connection();

    /** The connection's state; may change right after it is read. */
    default ConnectionState state() {
        return connection().state();
    }

    /**
     * Sends {@code data} as a CUSTOM packet (or a {@link Packet} as it is). Never blocks.
     *
     * @return completes when the frame was handed to the network; fails with {@link SendRejectedException} when it
     *     was not accepted, or with {@link dev.tether.core.EncodingException} when the wire format cannot hold
     *     {@code data}
     */
    CompletionStage<Void> send(@Nullable Object data);

    /**
     * Waits up to {@code timeout} for the next packet that no listener took (see the class documentation).
     * Blocks the calling thread: never call it from a listener or an event loop.
     *
     * @throws ReceiveTimeoutException {@code Receive operation timed out after T seconds.}
     * @throws ConnectionException {@code Cannot receive data: client is not connected.} when the connection has
     *     ended (or never started) and nothing is queued
     */
    Packet recv(Duration timeout) throws InterruptedException;

    /**
     * The next packet that no listener took, without blocking: completes with it, or fails as {@link #recv} throws.
     * Waiting receives are answered in the order they were made; the timeout runs on the configured clock.
     */
    CompletionStage<Packet> receive(Duration timeout);

    /**
     * Registers a listener for every packet that is not an RPC reply and that no channel listener took. While at
     * least one is registered, {@link #recv} gets nothing new.
     *
     * @return cancels the registration
     */
    Cancellable onReceive(Consumer<Packet> listener);

    /**
     * Registers a listener for CHANNEL packets published to {@code nameOrPattern}: an exact channel name, or a
     * shell-glob pattern ({@code news.*}, {@code room-[0-9]}) as {@link dev.tether.core.ChannelPattern} reads it.
     * This only routes what arrives; {@link #join} asks the server for it.
     *
     * @return cancels the registration
     * @throws IllegalArgumentException if the pattern is malformed
     */
    Cancellable onChannel(String nameOrPattern, Consumer<Packet> listener);

    /**
     * Calls {@code method} with positional arguments.
     *
     * @return completes with the result (a decoded value: see {@link Packet}), or fails with an
     *     {@link RpcCallException}
     */
    CompletableFuture<@Nullable Object> call(String method, @Nullable Object... args);

    /**
     * Calls {@code method} and converts the result to {@code resultType} (numbers widen, maps become records or
     * beans); a result that does not convert fails the future with {@link RpcCallException}. A {@code null} result
     * stays {@code null}.
     */
    <T> CompletableFuture<@Nullable T> call(Class<T> resultType, String method, @Nullable Object... args);

    /** Makes {@code call}: positional and keyword arguments, and its own timeout if it has one. */
    CompletableFuture<@Nullable Object> call(Call call);

    /**
     * Starts a streaming call of {@code method} for each subscriber: the request goes out on
     * {@link Flow.Publisher#subscribe}, items come as requested, and the stream completes at the server's end
     * marker or fails with an {@link RpcCallException}. Cancelling the subscription sends {@code __abort__} with
     * the call id. Items beyond what was requested wait, up to {@link TetherClientConfig#streamBufferItems()}.
     * Reactive Streams forbid {@code null} items, so an item that is {@code null} on the wire is skipped.
     */
    Flow.Publisher<Object> stream(String method, @Nullable Object... args);

    /** {@link #stream(String, Object...)} with the arguments of {@code call} (its timeout is ignored). */
    Flow.Publisher<Object> stream(Call call);

    /**
     * Joins {@code channel} by calling {@link TetherClientConfig#joinMethod()} with its name, and on success
     * remembers it: after every reconnect it is joined again before the session is ready.
     *
     * @return the join call's result
     */
    CompletableFuture<@Nullable Object> join(String channel);

    /**
     * Forgets {@code channel} at once (it is not joined again after a reconnect) and calls
     * {@link TetherClientConfig#leaveMethod()} with its name.
     */
    CompletableFuture<@Nullable Object> leave(String channel);

    /** The channels joined with {@link #join} and not left, in the order they were joined. */
    Set<String> joinedChannels();

    /** {@link #subscribe(String, SubscribeOptions, SubscriptionListener)} with {@link SubscribeOptions#defaults()}. */
    CompletableFuture<Subscribed> subscribe(String channel, SubscriptionListener listener);

    /**
     * Subscribes to {@code channel} with Tether's extension: the server's built-in {@code subscribe} with
     * {@code positions} (docs/protocol.md), so that its publications carry their position in the channel's history.
     * The subscription lives until {@link #unsubscribe}:
     *
     * <ul>
     *   <li>After every reconnect it is subscribed again before the session counts as ready, {@code since} the last
     *       position delivered: the publications missed meanwhile come first, in order, then the live ones, and
     *       {@link SubscriptionListener#onSubscribed} says whether all of them could be recovered.
     *   <li>While connected, a publication that skips offsets or changes epoch is a gap: the listener hears
     *       {@link SubscriptionListener#onGap}, and the client subscribes again from the last position to fetch the
     *       skipped ones before going on.
     *   <li>A publication with a position is delivered at most once per epoch, in offset order. While a subscribe
     *       waits for its answer, what arrives for the channel is held, at most
     *       {@link TetherClientConfig#subscriptionBufferPackets()} packets.
     *   <li>A server without the extension (it answers with a boolean) gives a plain subscription: no positions,
     *       {@code recoverable} false, restored after reconnects without recovery.
     * </ul>
     *
     * <p>Listener callbacks run on the event loop like every other listener's. A restore or fetch the server refuses
     * with an error ends the subscription ({@link SubscriptionListener#onUnsubscribed}); one that times out or is cut
     * off fails the reconnect attempt, which is retried.
     *
     * @return completes with the first answer, after {@link SubscriptionListener#onSubscribed}; fails with an
     *     {@link RpcCallException} when the call fails (not connected, an error reply such as METHOD_NOT_FOUND when
     *     the server does not let clients subscribe) or the server refuses ({@code subscribed: false}); then nothing
     *     is remembered
     * @throws IllegalArgumentException if {@code channel} is empty or a pattern (the extension needs a name)
     * @throws IllegalStateException if {@code channel} is subscribed already
     */
    CompletableFuture<Subscribed> subscribe(String channel, SubscribeOptions options, SubscriptionListener listener);

    /**
     * Forgets the subscription of {@code channel} at once (its listener hears
     * {@link SubscriptionListener#onUnsubscribed} and nothing more) and calls the server's {@code unsubscribe}.
     *
     * @return whether the server had the subscription
     */
    CompletableFuture<Boolean> unsubscribe(String channel);

    /** The channels subscribed with {@link #subscribe} and not unsubscribed, in the order they were subscribed. */
    Set<String> subscribedChannels();

    /**
     * Asks who is present in {@code channel}, on every node of the server: its built-in {@code presence}. Fails with
     * {@link RpcErrorException} INVALID_PARAMS for a channel that does not track presence.
     */
    CompletableFuture<List<PresenceMember>> presence(String channel);

    /** Calls and streams waiting for their answer now. */
    int pendingCalls();

    /** Packets dropped because the {@link #recv} queue was full. */
    long droppedPackets();
}
