package dev.tether.client.internal;

import dev.tether.client.Call;
import dev.tether.client.ClientConnection;
import dev.tether.client.ClientSession;
import dev.tether.client.ConnectionException;
import dev.tether.client.ConnectionListener;
import dev.tether.client.ConnectionState;
import dev.tether.client.PresenceMember;
import dev.tether.client.RpcCallException;
import dev.tether.client.RpcDisconnectedException;
import dev.tether.client.RpcErrorException;
import dev.tether.client.RpcTimeoutException;
import dev.tether.client.SessionProtocol;
import dev.tether.client.SubscribeOptions;
import dev.tether.client.Subscribed;
import dev.tether.client.SubscriptionListener;
import dev.tether.client.TetherClient;
import dev.tether.client.TetherClientConfig;
import dev.tether.core.Cancellable;
import dev.tether.core.ChannelPattern;
import dev.tether.core.Clock;
import dev.tether.core.ConversionException;
import dev.tether.core.Durations;
import dev.tether.core.EncodingException;
import dev.tether.core.Packet;
import dev.tether.core.PacketCodec;
import dev.tether.core.PacketCodecs;
import dev.tether.core.PacketSource;
import dev.tether.core.RpcRequest;
import dev.tether.core.RpcResponse;
import dev.tether.core.TetherException;
import dev.tether.core.ValueMapper;
import dev.tether.core.WireFormat;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The standard {@link TetherClient}: a {@link SessionProtocol} for webshocket.v1 on a {@link ClientConnection}, and
 * the bookkeeping of calls, streams, channels and received packets.
 *
 * <p>Pending calls live in a concurrent map keyed by call id. Every road to the end of a call (answer, timeout,
 * drop, failed send, cancellation) goes through {@link #release}, which removes it; only the remover ends it, so
 * the roads may race on different threads (event loop, clock, caller) and the call still ends once.
 */
public final class DefaultTetherClient implements TetherClient {
    private static final Logger log = LoggerFactory.getLogger(DefaultTetherClient.class);
    static final String NOT_CONNECTED = "Cannot send RPC: client is not connected.";

    private final TetherClientConfig config;
    private final PacketCodec codec;
    private final boolean binaryFrames;
    private final Clock clock;
    private final DefaultClientConnection connection;
    private final Inbox inbox;
    private final Subscriptions subscriptions;
    private final ConcurrentHashMap<String, PendingCall> pending = new ConcurrentHashMap<>();
    private final AtomicInteger pendingCount = new AtomicInteger();
    private final String callIdPrefix;
    private final AtomicLong callCounter = new AtomicLong();
    private final CopyOnWriteArrayList<Consumer<Packet>> receiveListeners = new CopyOnWriteArrayList<>();
    private final CopyOnWriteArrayList<ChannelRoute> channelRoutes = new CopyOnWriteArrayList<>();
    private final Set<String> joined = new LinkedHashSet<>(); // guarded by itself

    /** The session that is ready now; set and cleared on the event loop. */
    private volatile @Nullable ClientSession readySession;

    private record ChannelRoute(ChannelPattern pattern, Consumer<Packet> listener) {}

    public DefaultTetherClient(TetherClientConfig config) {
        this.config = config;
        this.codec = PacketCodecs.of(config.wireFormat());
        this.binaryFrames = config.wireFormat() == WireFormat.MSGPACK;
        this.clock = config.connection().clock();
        this.inbox = new Inbox(config.receiveQueuePackets(), clock, this::isStopped);
        // As the Python client does: hex(pid) + hex(unix time & 0xFFFF), then a counter from 1.
        this.callIdPrefix = Long.toHexString(ProcessHandle.current().pid())
                + Long.toHexString((System.currentTimeMillis() / 1000) & 0xFFFF);
        this.connection = new DefaultClientConnection(config.connection().toBuilder()
                .subprotocols(binaryFrames ? new String[] {WireFormat.SUBPROTOCOL} : new String[0])
                .protocol(new Protocol())
                .listener(new Lifecycle())
                .build());
        this.subscriptions = new Subscriptions(this::call, connection, config.subscriptionBufferPackets());
    }

    // ---------------------------------------------------------------------------------------------------------
    // Lifecycle.

    @Override
    public CompletionStage<Void> connect() {
        return connection.connect();
    }

    /** Whether nothing more can arrive: not started, ended or closed. */
    private boolean isStopped() {
        ConnectionState state = connection.state();
        return state == ConnectionState.DISCONNECTED || state == ConnectionState.CLOSED;
    }

    @Override
    public CompletionStage<Void> disconnect() {
        return connection.disconnect();
    }

    @Override
    public CompletionStage<Void> close() {
        return connection.close();
    }

    @Override
    public ClientConnection connection() {
        return connection;
    }

    @Override
    public String toString() {
        return "TetherClient(" + connection.uri() + ", " + connection.state() + ", " + pendingCount.get()
                + " pending calls)";
    }

    // ---------------------------------------------------------------------------------------------------------
    // Packets.

    @Override
    public CompletionStage<Void> send(@Nullable Object data) {
        try {
            return write(Packet.wrap(data), null);
        } catch (EncodingException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Encodes and writes {@code packet} on the connection, or straight on {@code session} (a handshake socket). */
    private CompletionStage<Void> write(Packet packet, @Nullable ClientSession session) {
        byte[] bytes = codec.encode(packet);
        if (binaryFrames) {
            return session != null ? session.sendBinary(bytes) : connection.send(bytes);
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        return session != null ? session.sendText(text) : connection.send(text);
    }

    @Override
    public Packet recv(Duration timeout) throws InterruptedException {
        CompletableFuture<Packet> next = inbox.receive(timeout);
        try {
            return next.get();
        } catch (InterruptedException e) {
            if (!next.cancel(false) && !next.isCompletedExceptionally()) {
                inbox.putBack(next.join());
            }
            throw e;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof TetherException t) {
                throw t;
            }
            throw new TetherException("recv failed: " + cause, cause);
        }
    }

    @Override
    public CompletionStage<Packet> receive(Duration timeout) {
        return inbox.receive(timeout).minimalCompletionStage();
    }

    @Override
    public Cancellable onReceive(Consumer<Packet> listener) {
        receiveListeners.add(listener);
        return () -> receiveListeners.remove(listener);
    }

    @Override
    public Cancellable onChannel(String nameOrPattern, Consumer<Packet> listener) {
        ChannelRoute route = new ChannelRoute(ChannelPattern.compile(nameOrPattern), listener);
        channelRoutes.add(route);
        return () -> channelRoutes.remove(route);
    }

    @Override
    public long droppedPackets() {
        return inbox.dropped();
    }

    /** An inbound message, on the event loop. */
    private void received(ClientSession session, byte[] bytes, PacketCodec format) {
        Packet packet = format.decode(bytes);
        RpcResponse response = packet.response();
        if (response != null) {
            PendingCall call = pending.get(response.callId());
            if (call == null) {
                log.debug("Ignoring a reply for an unknown or finished call {}", response.callId());
            } else {
                call.answered(response);
            }
            return;
        }
        if (packet.source() == PacketSource.UNKNOWN) {
            log.debug("Received {} bytes that are not a packet", bytes.length);
        }
        if (packet.source() == PacketSource.CHANNEL
                && packet.channel() != null
                && (subscriptions.received(packet, session) || routeToChannel(packet))) {
            return;
        }
        if (receiveListeners.isEmpty()) {
            inbox.offer(packet);
            return;
        }
        for (Consumer<Packet> listener : receiveListeners) {
            try {
                listener.accept(packet);
            } catch (RuntimeException e) {
                log.warn("A receive listener threw; ignored", e);
            }
        }
    }

    private boolean routeToChannel(Packet packet) {
        String channel = packet.channel();
        boolean taken = false;
        for (ChannelRoute route : channelRoutes) {
            if (channel != null && route.pattern().matches(channel)) {
                taken = true;
                try {
                    route.listener().accept(packet);
                } catch (RuntimeException e) {
                    log.warn("A listener of channel {} threw; ignored", route.pattern(), e);
                }
            }
        }
        return taken;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Calls.

    @Override
    public CompletableFuture<@Nullable Object> call(String method, @Nullable Object... args) {
        return call(Call.of(method, args));
    }

    @Override
    public <T> CompletableFuture<@Nullable T> call(Class<T> resultType, String method, @Nullable Object... args) {
        return call(Call.of(method, args)).thenApply(result -> convert(result, resultType, method));
    }

    private static <T> @Nullable T convert(@Nullable Object result, Class<T> type, String method) {
        try {
            return ValueMapper.standard().convert(result, type);
        } catch (ConversionException e) {
            throw new RpcCallException("result of '" + method + "': " + e.getMessage(), method, null, e);
        }
    }

    @Override
    public CompletableFuture<@Nullable Object> call(Call call) {
        return call(call, null);
    }

    /** Makes {@code call} on the connection, or straight on {@code attempt}'s socket (a re-subscribe, a fetch). */
    CompletableFuture<@Nullable Object> call(Call call, @Nullable ClientSession attempt) {
        UnaryCall unary = new UnaryCall(this, call.method(), nextCallId());
        unary.attempt = attempt;
        // Any end, including a cancel by the caller, frees the slot and stops the timer.
        unary.result.whenComplete((result, error) -> release(unary));
        RpcCallException refused = register(unary);
        if (refused != null) {
            unary.result.completeExceptionally(refused);
            return unary.result;
        }
        Duration timeout = call.timeout() != null ? call.timeout() : config.callTimeout();
        unary.timer = clock.schedule(timeout, () -> {
            if (release(unary)) {
                unary.fail(new RpcTimeoutException(
                        "RPC request timed out: no answer to '" + unary.method + "' within "
                                + Durations.format(timeout),
                        unary.method,
                        unary.callId));
            }
        });
        start(unary, call, attempt);
        return unary.result;
    }

    @Override
    public Flow.Publisher<Object> stream(String method, @Nullable Object... args) {
        return stream(Call.of(method, args));
    }

    @Override
    public Flow.Publisher<Object> stream(Call call) {
        return subscriber -> {
            StreamCall stream =
                    new StreamCall(this, call.method(), nextCallId(), subscriber, config.streamBufferItems());
            subscriber.onSubscribe(stream);
            RpcCallException refused = register(stream);
            if (refused != null) {
                stream.failBeforeStart(refused);
                return;
            }
            start(stream, call, null);
        };
    }

    /** Reserves a slot and registers {@code call}; returns the refusal when no slot is left. */
    private @Nullable RpcCallException register(PendingCall call) {
        int max = config.maxPendingCalls();
        if (pendingCount.incrementAndGet() > max) {
            pendingCount.decrementAndGet();
            return new RpcCallException(
                    "too many pending calls: " + max + " calls and streams wait for their answer (expected: at most "
                            + max + ", maxPendingCalls)",
                    call.method,
                    null,
                    null);
        }
        pending.put(call.callId, call);
        return null;
    }

    /** Sends the request of a registered call; a refused send ends it. */
    private void start(PendingCall pendingCall, Call call, @Nullable ClientSession attempt) {
        Packet request = Packet.rpc(new RpcRequest(call.method(), call.args(), call.kwargs(), pendingCall.callId));
        CompletionStage<Void> sent;
        try {
            sent = write(request, attempt);
        } catch (EncodingException e) {
            if (release(pendingCall)) {
                pendingCall.fail(new RpcCallException(
                        "cannot encode the call of '" + call.method() + "': " + e.getMessage(),
                        call.method(),
                        pendingCall.callId,
                        e));
            }
            return;
        }
        sent.whenComplete((ignored, error) -> {
            if (error != null && release(pendingCall)) {
                Throwable cause = unwrap(error);
                boolean notConnected = connection.state() != ConnectionState.CONNECTED;
                pendingCall.fail(new RpcCallException(
                        notConnected ? NOT_CONNECTED : "Cannot send RPC: " + cause.getMessage(),
                        call.method(),
                        pendingCall.callId,
                        notConnected,
                        cause));
            }
        });
    }

    /** Removes {@code call} if it is still pending; whoever gets true ends it. */
    boolean release(PendingCall call) {
        if (pending.remove(call.callId, call)) {
            pendingCount.decrementAndGet();
            call.cancelTimer();
            return true;
        }
        return false;
    }

    RpcCallException errorOf(PendingCall call, RpcResponse response) {
        Integer code = response.error();
        Object message = response.response();
        return new RpcErrorException(
                code == null ? 0 : code, message == null ? "" : String.valueOf(message), call.method, call.callId);
    }

    /** Cancels a stream on the server: {@code __abort__} with its call id; no answer comes. */
    void sendAbort(StreamCall stream) {
        try {
            write(Packet.rpc(RpcRequest.abort(stream.callId, nextCallId())), null)
                    .whenComplete((ignored, error) -> {
                        if (error != null) {
                            log.debug("Could not send __abort__ for stream {}: {}", stream.callId, error.toString());
                        }
                    });
        } catch (EncodingException e) {
            log.warn("Could not encode __abort__ for stream {}", stream.callId, e);
        }
    }

    private String nextCallId() {
        return callIdPrefix + Long.toHexString(callCounter.incrementAndGet());
    }

    @Override
    public int pendingCalls() {
        return pendingCount.get();
    }

    /** A socket closed: the calls that were waiting on it will not be answered. */
    private void sessionClosed(ClientSession session) {
        boolean wasReady = readySession == session;
        if (wasReady) {
            readySession = null;
        }
        subscriptions.sessionClosed(session); // first: the calls failing below are then stale to them
        List<PendingCall> cutOff = new ArrayList<>();
        for (PendingCall call : pending.values()) {
            // After a ready socket closes, every call waits in vain (queued ones were flushed to it). After a
            // handshake socket closes, only the re-joins sent on it do.
            if ((wasReady || call.attempt == session) && release(call)) {
                cutOff.add(call);
            }
        }
        for (PendingCall call : cutOff) {
            call.fail(new RpcDisconnectedException(
                    "connection lost before the answer to '" + call.method + "' (call " + call.callId + ")",
                    call.method,
                    call.callId,
                    null));
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Channels.

    @Override
    public CompletableFuture<@Nullable Object> join(String channel) {
        ChannelPattern.compile(channel); // refuses a malformed pattern before anything is sent
        return call(config.joinMethod(), channel).thenApply(result -> {
            synchronized (joined) {
                joined.add(channel);
            }
            return result;
        });
    }

    @Override
    public CompletableFuture<@Nullable Object> leave(String channel) {
        synchronized (joined) {
            joined.remove(channel);
        }
        return call(config.leaveMethod(), channel);
    }

    @Override
    public Set<String> joinedChannels() {
        synchronized (joined) {
            return Collections.unmodifiableSet(new LinkedHashSet<>(joined));
        }
    }

    @Override
    public CompletableFuture<Subscribed> subscribe(String channel, SubscriptionListener listener) {
        return subscriptions.subscribe(channel, SubscribeOptions.defaults(), listener);
    }

    @Override
    public CompletableFuture<Subscribed> subscribe(
            String channel, SubscribeOptions options, SubscriptionListener listener) {
        return subscriptions.subscribe(channel, options, listener);
    }

    @Override
    public CompletableFuture<Boolean> unsubscribe(String channel) {
        return subscriptions.unsubscribe(channel);
    }

    @Override
    public Set<String> subscribedChannels() {
        return subscriptions.channels();
    }

    @Override
    public CompletableFuture<List<PresenceMember>> presence(String channel) {
        return subscriptions.presence(channel);
    }

    /** The re-subscribe step: every joined channel, then every subscription, again on the new socket. */
    private CompletionStage<Void> resubscribe(ClientSession session) {
        CompletableFuture<Void> joins = rejoin(session).toCompletableFuture();
        CompletableFuture<Void> subscribes = subscriptions.restore(session).toCompletableFuture();
        return CompletableFuture.allOf(joins, subscribes);
    }

    /** Joins every remembered channel again on the new socket. */
    private CompletionStage<Void> rejoin(ClientSession session) {
        List<String> channels;
        synchronized (joined) {
            channels = new ArrayList<>(joined);
        }
        if (channels.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        log.info("{}: joining {} channels again: {}", session.uri(), channels.size(), channels);
        List<CompletableFuture<Void>> joins = new ArrayList<>(channels.size());
        for (String channel : channels) {
            joins.add(call(Call.of(config.joinMethod(), channel), session).handle((result, error) -> {
                if (error == null) {
                    return null;
                }
                Throwable cause = unwrap(error);
                if (cause instanceof RpcErrorException refused) {
                    // Retrying cannot help: the server says no. Forget it rather than loop.
                    log.warn(
                            "{}: the server refused to join '{}' again ({} {}); forgetting it",
                            session.uri(),
                            channel,
                            refused.code(),
                            refused.getMessage());
                    synchronized (joined) {
                        joined.remove(channel);
                    }
                    return null;
                }
                throw new CompletionException(new ConnectionException(
                        "joining '" + channel + "' again failed: " + cause.getMessage(), cause));
            }));
        }
        return CompletableFuture.allOf(joins.toArray(new CompletableFuture<?>[0]));
    }

    private static Throwable unwrap(Throwable error) {
        Throwable t = error;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    // ---------------------------------------------------------------------------------------------------------
    // The session protocol and the connection's events, on the event loop.

    private final class Protocol implements SessionProtocol {
        @Override
        public CompletionStage<Void> resubscribe(ClientSession session) {
            return DefaultTetherClient.this.resubscribe(session);
        }

        @Override
        public void onText(ClientSession session, String text) {
            // Text frames carry JSON in either mode (the Python server sends generic clients JSON in BINARY frames).
            received(session, text.getBytes(StandardCharsets.UTF_8), PacketCodecs.json());
        }

        @Override
        public void onBinary(ClientSession session, byte[] bytes) {
            received(session, bytes, codec);
        }

        @Override
        public void onSessionClosed(ClientSession session) {
            sessionClosed(session);
        }
    }

    private final class Lifecycle implements ConnectionListener {
        @Override
        public void onConnected(ClientSession session) {
            readySession = session;
        }

        @Override
        public void onEnded(@Nullable TetherException error) {
            inbox.connectionEnded();
        }
    }
}
