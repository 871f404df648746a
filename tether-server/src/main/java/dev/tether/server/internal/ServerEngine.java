package dev.tether.server.internal;

import dev.tether.core.ChannelPattern;
import dev.tether.core.CloseCodes;
import dev.tether.core.Packet;
import dev.tether.core.PacketCodec;
import dev.tether.core.PacketSource;
import dev.tether.core.TetherException;
import dev.tether.core.WireFormat;
import dev.tether.server.ClientType;
import dev.tether.server.NonBlocking;
import dev.tether.server.ReceiveTimeoutException;
import dev.tether.server.RpcException;
import dev.tether.server.RpcOptions;
import dev.tether.server.ServerConfig;
import dev.tether.server.ServerStats;
import dev.tether.server.Session;
import dev.tether.server.SlowConsumerPolicy;
import dev.tether.server.TetherHandler;
import dev.tether.server.TlsConfig;
import dev.tether.server.spi.ClusterBroker;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketServerExtensionHandler;
import io.netty.handler.codec.http.websocketx.extensions.compression.PerMessageDeflateServerExtensionHandshaker;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.internal.PlatformDependent;
import java.net.InetSocketAddress;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;
import java.util.function.BiPredicate;
import java.util.function.Predicate;
import javax.net.ssl.KeyManagerFactory;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything behind {@link dev.tether.server.TetherServer}: the Netty bootstrap, the session registry, the
 * connection slots, broadcast and shutdown.
 */
public final class ServerEngine {
    private static final Logger log = LoggerFactory.getLogger(ServerEngine.class);

    private enum State {
        NEW,
        STARTED,
        CLOSING,
        CLOSED
    }

    private final ServerConfig config;
    private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
    private final Map<UUID, DefaultSession> sessions = new ConcurrentHashMap<>();
    private final AtomicInteger slots = new AtomicInteger();
    private final @Nullable BlockingQueue<DefaultSession> acceptQueue;
    private final @Nullable TetherHandler handler;
    private final boolean handlerOnEventLoop;
    private final PacketCodec msgpack;
    private final PacketCodec json;
    private final SubscriptionIndex<DefaultSession> subscriptions = new SubscriptionIndex<>();
    private final ClusterBroker broker;
    private final LongAdder published = new LongAdder();
    private final LongAdder delivered = new LongAdder();
    private final LongAdder slowDisconnects = new LongAdder();
    private final LongAdder droppedNewest = new LongAdder();
    private final LongAdder droppedOldest = new LongAdder();
    private final LongAdder conflated = new LongAdder();
    private final LongAdder refusedSends = new LongAdder();
    private final StaticFiles staticFiles;
    private final WebSocketServerHandshakerFactory plainHandshakers;
    private final WebSocketServerHandshakerFactory deflateHandshakers;
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();
    private final RpcDispatcher rpc;
    private volatile long startNanos = System.nanoTime();

    private @Nullable EventLoopGroup group;
    private @Nullable Channel serverChannel;
    private @Nullable ChannelGroup allChannels;
    private @Nullable WorkerTasks workers;
    private final Map<EventLoop, LoopDrainer> drainers = new ConcurrentHashMap<>();
    private @Nullable ExecutorService ownedWorkers;

    public ServerEngine(ServerConfig config) {
        this.config = config;
        this.msgpack = config.codec(WireFormat.MSGPACK);
        this.json = config.codec(WireFormat.JSON);
        this.broker = config.clusterBroker();
        this.handler = config.handler();
        this.handlerOnEventLoop = handler != null && handler.getClass().isAnnotationPresent(NonBlocking.class);
        this.acceptQueue = handler == null ? new ArrayBlockingQueue<>(config.acceptQueueLimit()) : null;
        this.staticFiles = new StaticFiles(config.staticDirectory(), config.staticResources());
        this.rpc = new RpcDispatcher(config.predicates(), config.clock(), config.rpcTaskLimit(), this::workers);
        if (handler != null && config.dispatchRpc()) {
            rpc.registerHandler(handler); // a method that cannot be bound fails build(), not the first call
        } else if (handler != null && hasRpcMethods(handler)) {
            throw new IllegalArgumentException(
                    "handler: " + handler.getClass().getName()
                            + " has @Rpc methods (expected: none with dispatchRpc(false), which hands RPC packets to onPacket)");
        }
        BiPredicate<? super Session, String> clientSubscriptions = config.clientSubscriptions();
        if (clientSubscriptions != null) {
            registerSubscriptionMethods(clientSubscriptions);
        }
        // Protocol violations are answered by FrameHandler (close frame, half-close, bounded linger), not by Netty,
        // which closes at once and sends no close frame for a bad close frame.
        WebSocketDecoderConfig decoder = WebSocketDecoderConfig.newBuilder()
                .maxFramePayloadLength(config.maxFrameBytes())
                .expectMaskedFrames(true)
                .allowMaskMismatch(false)
                .allowExtensions(false)
                .closeOnProtocolViolation(false)
                .withUTF8Validator(true)
                .build();
        String url = (config.tls() == null ? "ws://" : "wss://") + config.host() + ":" + config.port() + config.path();
        this.plainHandshakers = new WebSocketServerHandshakerFactory(url, WireFormat.SUBPROTOCOL, decoder);
        // Reserved bits may be set only where an extension was negotiated; ReservedBitsValidator checks them then.
        this.deflateHandshakers = new WebSocketServerHandshakerFactory(
                url,
                WireFormat.SUBPROTOCOL,
                decoder.toBuilder().allowExtensions(true).build());
    }

    public ServerConfig config() {
        return config;
    }

    /** The RPC dispatcher; its registry is {@code server.rpc()}. */
    public RpcDispatcher rpc() {
        return rpc;
    }

    // ---- lifecycle -----------------------------------------------------------------------------------------

    public void start() {
        if (!state.compareAndSet(State.NEW, State.STARTED)) {
            throw new IllegalStateException("start: the server is " + state.get() + " (expected: NEW)");
        }
        startNanos = System.nanoTime();
        SslContext ssl = config.tls() == null ? null : sslContext(config.tls());
        Transport transport = Transport.choose(config.nativeTransport());
        int threads = config.ioThreads() > 0
                ? config.ioThreads()
                : Runtime.getRuntime().availableProcessors();
        EventLoopGroup loops = transport.newGroup(threads, Threads.ioThreads());
        group = loops;
        allChannels = new DefaultChannelGroup("tether", GlobalEventExecutor.INSTANCE);
        Executor executor = config.workerExecutor();
        if (executor == null) {
            ExecutorService own = Threads.newWorkerExecutor();
            ownedWorkers = own;
            executor = own;
        }
        workers = new WorkerTasks(executor, config.maxPendingWorkerTasks(), config.clock());
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(loops)
                .channel(transport.serverChannelType())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(
                        ChannelOption.WRITE_BUFFER_WATER_MARK,
                        new WriteBufferWaterMark(
                                config.writeBufferLowWaterMarkBytes(), config.writeBufferHighWaterMarkBytes()))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        initConnection(ch, ssl);
                    }
                });
        if (config.socketSendBufferBytes() > 0) {
            bootstrap.childOption(ChannelOption.SO_SNDBUF, config.socketSendBufferBytes());
        }
        try {
            serverChannel = bootstrap
                    .bind(config.host(), config.port())
                    .syncUninterruptibly()
                    .channel();
        } catch (Exception e) { // syncUninterruptibly rethrows epoll's checked bind failure undeclared
            loops.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            if (ownedWorkers != null) {
                ownedWorkers.shutdownNow();
            }
            state.set(State.CLOSED);
            terminated.complete(null);
            throw new TetherException(
                    "Could not bind " + config.host() + ":" + config.port() + ": " + e.getMessage(), e);
        }
        broker.start(this::fromCluster).whenComplete((ok, error) -> {
            if (error != null) {
                log.error("Cluster broker {} did not start; publications stay on this node", broker, error);
            }
        });
        log.info(
                "Tether listening on {}://{}:{}{} ({} transport, {} I/O threads)",
                config.tls() == null ? "ws" : "wss",
                config.host(),
                port(),
                config.path(),
                transport.name().toLowerCase(java.util.Locale.ROOT),
                threads);
    }

    private void initConnection(SocketChannel ch, @Nullable SslContext ssl) {
        ChannelGroup channels = allChannels;
        if (channels != null) {
            channels.add(ch);
        }
        ChannelPipeline p = ch.pipeline();
        if (ssl != null) {
            p.addLast("tether-tls", ssl.newHandler(ch.alloc()));
        }
        int headerBytes = Math.min(8192, config.maxHttpRequestBytes());
        p.addLast(
                "tether-http",
                new HttpServerCodec(new HttpDecoderConfig()
                        .setMaxInitialLineLength(headerBytes)
                        .setMaxHeaderSize(headerBytes)));
        p.addLast("tether-http-aggregator", new HttpObjectAggregator(config.maxHttpRequestBytes()));
        if (config.perMessageDeflate()) {
            // permessage-deflate only: Netty's compression handler would also accept the obsolete
            // x-webkit-deflate-frame when a client offers it first.
            p.addLast(
                    "tether-deflate",
                    new WebSocketServerExtensionHandler(
                            new PerMessageDeflateServerExtensionHandshaker(config.maxMessageBytes())));
        }
        p.addLast("tether-router", new HttpRouter(this));
    }

    private static SslContext sslContext(TlsConfig tls) {
        try {
            KeyStore keyStore = tls.keyStore();
            char[] password = tls.password();
            if (keyStore != null) {
                KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(keyStore, password);
                return SslContextBuilder.forServer(kmf).build();
            }
            return SslContextBuilder.forServer(
                            java.util.Objects.requireNonNull(tls.certificateChain())
                                    .toFile(),
                            java.util.Objects.requireNonNull(tls.privateKey()).toFile(),
                            password == null ? null : new String(password))
                    .build();
        } catch (Exception e) {
            throw new TetherException(
                    "tls: " + tls + " (expected: a usable certificate and private key): " + e.getMessage(), e);
        }
    }

    public int port() {
        Channel ch = serverChannel;
        return ch == null ? config.port() : ((InetSocketAddress) ch.localAddress()).getPort();
    }

    public CompletionStage<Void> closeAsync() {
        if (state.compareAndSet(State.NEW, State.CLOSED)) {
            terminated.complete(null);
            return terminated;
        }
        if (!state.compareAndSet(State.STARTED, State.CLOSING)) {
            return terminated;
        }
        Channel server = serverChannel;
        if (server != null) {
            server.close();
        }
        broker.close().whenComplete((ok, error) -> {
            if (error != null) {
                log.warn("Cluster broker {} did not close cleanly", broker, error);
            }
        });
        List<CompletableFuture<?>> closing = new ArrayList<>();
        for (DefaultSession session : sessions.values()) {
            session.close(CloseCodes.GOING_AWAY, CloseCodes.SERVER_SHUTTING_DOWN);
            closing.add(session.closeFuture().toCompletableFuture());
        }
        long graceMillis = config.shutdownGracePeriod().toMillis();
        CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new))
                .completeOnTimeout(null, graceMillis, TimeUnit.MILLISECONDS)
                .whenComplete((ok, error) -> {
                    ChannelGroup channels = allChannels;
                    if (channels != null) {
                        channels.close(); // drops sessions that did not finish and idle HTTP connections
                    }
                    EventLoopGroup loops = group;
                    if (loops == null) {
                        finishClose();
                        return;
                    }
                    loops.shutdownGracefully(0, Math.max(100, graceMillis), TimeUnit.MILLISECONDS)
                            .addListener(f -> finishClose());
                });
        return terminated;
    }

    private void finishClose() {
        ExecutorService own = ownedWorkers;
        if (own != null) {
            own.shutdown();
        }
        state.set(State.CLOSED);
        log.info("Tether server on port {} stopped", port());
        terminated.complete(null);
    }

    public void close() {
        EventLoopGroup loops = group;
        if (loops != null) {
            for (EventExecutor loop : loops) {
                if (loop.inEventLoop()) {
                    throw new IllegalStateException("close: called on I/O thread "
                            + Thread.currentThread().getName() + " (expected: another thread, or closeAsync())");
                }
            }
        }
        try {
            closeAsync()
                    .toCompletableFuture()
                    .get(config.shutdownGracePeriod().toMillis() + 10_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.warn("Server shutdown did not complete cleanly", e);
        }
    }

    // ---- sessions ------------------------------------------------------------------------------------------

    /** Takes a connection slot if one is free (and, in pull mode, the accept queue has room). */
    boolean tryReserve() {
        if (state.get() != State.STARTED) {
            return false;
        }
        while (true) {
            int used = slots.get();
            if (used >= config.maxConnections()) {
                return false;
            }
            if (slots.compareAndSet(used, used + 1)) {
                return true;
            }
        }
    }

    /** Gives back a slot taken by {@link #tryReserve} for a handshake that never made a session. */
    void release() {
        slots.decrementAndGet();
    }

    DefaultSession newSession(Channel channel, ClientType type) {
        PacketCodec codec = type == ClientType.FRAMEWORK ? msgpack : json;
        return new DefaultSession(this, channel, type, codec, handler, handlerOnEventLoop, workers());
    }

    /**
     * A session is about to be upgraded: it joins the registry, and in pull mode the accept queue.
     *
     * @return {@code false} if the accept queue is full; nothing was registered then
     */
    boolean register(DefaultSession session) {
        BlockingQueue<DefaultSession> queue = acceptQueue;
        if (queue != null && !queue.offer(session)) {
            return false;
        }
        sessions.put(session.id(), session);
        return true;
    }

    /** A registered session whose handshake failed before it had a frame handler: it never terminates itself. */
    void abandon(DefaultSession session) {
        BlockingQueue<DefaultSession> queue = acceptQueue;
        if (queue != null) {
            queue.remove(session);
        }
        unregister(session);
    }

    /** The session ended: called once per session by {@link DefaultSession#terminate}. */
    void unregister(DefaultSession session) {
        sessions.remove(session.id());
        slots.decrementAndGet();
    }

    public List<Session> sessions() {
        return List.copyOf(sessions.values());
    }

    public @Nullable Session session(UUID id) {
        return sessions.get(id);
    }

    public int connectionCount() {
        return slots.get();
    }

    public Session accept(Duration timeout) throws InterruptedException {
        BlockingQueue<DefaultSession> queue = acceptQueue;
        if (queue == null) {
            throw new IllegalStateException("accept: the server has a handler (expected: a server built without one)");
        }
        DefaultSession session = queue.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        if (session == null) {
            throw new ReceiveTimeoutException(
                    "No client connected within " + timeout.toMillis() / 1000.0 + " seconds.");
        }
        return session;
    }

    public int broadcast(
            @Nullable Object data, Collection<? extends Session> exclude, Predicate<? super Session> filter) {
        Packet packet = data instanceof Packet p ? p : Packet.broadcast(data);
        // [MessagePack, JSON], each encoded at most once, and the same as whole frames for sessions that take them.
        ByteBuf[] encoded = new ByteBuf[2];
        ByteBuf[] frames = new ByteBuf[2];
        int queued = 0;
        try {
            for (DefaultSession session : sessions.values()) {
                if (!session.isOpen() || exclude.contains(session) || !filter.test(session)) {
                    continue;
                }
                int format = session.clientType() == ClientType.FRAMEWORK ? 0 : 1;
                ByteBuf bytes = encoded[format];
                if (bytes == null) {
                    bytes = DefaultSession.encode(session.codec(), packet, ByteBufAllocator.DEFAULT);
                    encoded[format] = bytes;
                }
                ByteBuf frame = null;
                if (session.takesPreparedFrames() && bytes.readableBytes() <= DefaultSession.FRAGMENT_BYTES) {
                    frame = frames[format];
                    if (frame == null) {
                        frame = PreparedFrame.of(bytes, session.textFrames(), ByteBufAllocator.DEFAULT);
                        frames[format] = frame;
                    }
                }
                boolean sent = frame != null
                        ? session.sendShared(frame.retainedDuplicate(), true)
                        : session.sendShared(bytes.retainedDuplicate(), false);
                if (sent) {
                    queued++;
                }
            }
        } finally {
            for (ByteBuf bytes : encoded) {
                if (bytes != null) {
                    bytes.release();
                }
            }
            for (ByteBuf frame : frames) {
                if (frame != null) {
                    frame.release();
                }
            }
        }
        return queued;
    }

    // ---- channels ------------------------------------------------------------------------------------------

    private static boolean hasRpcMethods(TetherHandler handler) {
        for (Class<?> type = handler.getClass(); type != null && type != Object.class; type = type.getSuperclass()) {
            for (java.lang.reflect.Method method : type.getDeclaredMethods()) {
                if (method.isAnnotationPresent(dev.tether.server.Rpc.class)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The built-in {@code subscribe(name)} and {@code unsubscribe(name)} methods for clients. */
    private void registerSubscriptionMethods(BiPredicate<? super Session, String> allowed) {
        rpc.registry().register(RpcOptions.named("subscribe"), call -> {
            String name = call.arg(0, "name", String.class);
            if (!allowed.test(call.session(), name)) {
                throw new RpcException("Access denied for channel '" + name + "'.");
            }
            try {
                return call.session().subscribe(name);
            } catch (IllegalArgumentException malformed) {
                throw new RpcException(String.valueOf(malformed.getMessage()));
            }
        });
        rpc.registry()
                .register(
                        RpcOptions.named("unsubscribe"),
                        call -> call.session().unsubscribe(call.arg(0, "name", String.class)));
    }

    /** {@code session} subscribed to {@code name}; the broker hears of the node's first subscriber. */
    void subscribed(String name, ChannelPattern pattern, DefaultSession session) {
        if (subscriptions.add(name, pattern, session)) {
            tellBroker(name, true);
        }
    }

    /** {@code session} left {@code name}; the broker hears when the node's last subscriber leaves. */
    void unsubscribed(String name, DefaultSession session) {
        if (subscriptions.remove(name, session)) {
            tellBroker(name, false);
        }
    }

    private void tellBroker(String name, boolean subscribed) {
        broker.interest(name, subscribed).whenComplete((ok, error) -> {
            if (error != null) {
                log.warn(
                        "Cluster broker {} failed to {} '{}'",
                        broker,
                        subscribed ? "subscribe" : "unsubscribe",
                        name,
                        error);
            }
        });
    }

    public int publish(
            Collection<String> channels,
            @Nullable Object data,
            Collection<? extends Session> exclude,
            Predicate<? super Session> filter) {
        for (String channel : channels) {
            if (channel.isEmpty() || ChannelPattern.isPattern(channel)) {
                throw new IllegalArgumentException(
                        "channel: '" + channel + "' (expected: a channel name without * ? [ ])");
            }
        }
        int queued = 0;
        for (String channel : channels) {
            Packet packet = Packet.channel(channel, data);
            // With other nodes, the MessagePack bytes they get are also the ones local subscribers get.
            byte[] encoded = broker == ClusterBroker.local() ? null : msgpack.encode(packet);
            queued += deliverLocally(channel, packet, encoded, exclude, filter);
            if (encoded != null) {
                broker.publish(channel, encoded).whenComplete((ok, error) -> {
                    if (error != null) {
                        log.warn("Cluster broker {} failed to publish on '{}'", broker, channel, error);
                    }
                });
            }
        }
        return queued;
    }

    /** A publication from another node: decoded once, then delivered like a local one. */
    private void fromCluster(String channel, byte[] bytes) {
        Packet packet = msgpack.decode(bytes);
        if (packet.source() != PacketSource.CHANNEL || !channel.equals(packet.channel())) {
            log.warn(
                    "Cluster broker {} delivered something that is not a publication on '{}'; dropped",
                    broker,
                    channel);
            return;
        }
        deliverLocally(channel, packet, bytes, Set.of(), session -> true); // its bytes go out as they came
    }

    /** Encodes {@code packet} at most once per wire format and queues it for the channel's local subscribers. */
    private int deliverLocally(
            String channel,
            Packet packet,
            byte @Nullable [] msgpackEncoding,
            Collection<? extends Session> exclude,
            Predicate<? super Session> filter) {
        published.increment();
        Fanout fanout = new Fanout(packet, msgpackEncoding, exclude, filter);
        try {
            subscriptions.forEachSubscriber(channel, fanout);
        } finally {
            fanout.release();
        }
        delivered.add(fanout.queued);
        return fanout.queued;
    }

    /** One publication's delivery to the subscribers of one channel. */
    private final class Fanout implements BiConsumer<DefaultSession, String> {
        private final Packet packet;
        private final Collection<? extends Session> exclude;
        private final Predicate<? super Session> filter;
        private @Nullable ByteBuf msgpackBytes;
        private @Nullable ByteBuf jsonBytes;
        // The same bytes as whole frames, for sessions that take them; made on first use.
        private @Nullable ByteBuf msgpackFrame;
        private @Nullable ByteBuf jsonFrame;
        int queued;

        Fanout(
                Packet packet,
                byte @Nullable [] msgpackEncoding,
                Collection<? extends Session> exclude,
                Predicate<? super Session> filter) {
            this.packet = packet;
            this.msgpackBytes = msgpackEncoding == null ? null : Unpooled.wrappedBuffer(msgpackEncoding);
            this.exclude = exclude;
            this.filter = filter;
        }

        @Override
        public void accept(DefaultSession session, String subscription) {
            if (!session.isOpen() || (!exclude.isEmpty() && exclude.contains(session)) || !filter.test(session)) {
                return;
            }
            ByteBuf bytes;
            ByteBuf frame = null;
            if (session.clientType() == ClientType.FRAMEWORK) {
                if (msgpackBytes == null) {
                    msgpackBytes = DefaultSession.encode(msgpack, packet, ByteBufAllocator.DEFAULT);
                }
                bytes = msgpackBytes;
                if (session.takesPreparedFrames() && bytes.readableBytes() <= DefaultSession.FRAGMENT_BYTES) {
                    if (msgpackFrame == null) {
                        msgpackFrame = PreparedFrame.of(bytes, session.textFrames(), ByteBufAllocator.DEFAULT);
                    }
                    frame = msgpackFrame;
                }
            } else {
                if (jsonBytes == null) {
                    jsonBytes = DefaultSession.encode(json, packet, ByteBufAllocator.DEFAULT);
                }
                bytes = jsonBytes;
                // Every JSON session has the same frame type (jsonInBinaryFrames is server-wide).
                if (session.takesPreparedFrames() && bytes.readableBytes() <= DefaultSession.FRAGMENT_BYTES) {
                    if (jsonFrame == null) {
                        jsonFrame = PreparedFrame.of(bytes, session.textFrames(), ByteBufAllocator.DEFAULT);
                    }
                    frame = jsonFrame;
                }
            }
            String channel = java.util.Objects.requireNonNull(packet.channel());
            ByteBuf message = frame != null ? frame : bytes;
            if (session.deliver(message.retainedDuplicate(), frame != null, channel, session.policyOf(subscription))) {
                queued++;
            }
        }

        void release() {
            if (msgpackBytes != null) {
                msgpackBytes.release();
            }
            if (jsonBytes != null) {
                jsonBytes.release();
            }
            if (msgpackFrame != null) {
                msgpackFrame.release();
            }
            if (jsonFrame != null) {
                jsonFrame.release();
            }
        }
    }

    void countSlowConsumer(SlowConsumerPolicy action) {
        switch (action) {
            case DISCONNECT -> slowDisconnects.increment();
            case DROP_NEWEST -> droppedNewest.increment();
            case DROP_OLDEST -> droppedOldest.increment();
            case CONFLATE -> conflated.increment();
        }
    }

    void countRefusedSend() {
        refusedSends.increment();
    }

    public ServerStats stats() {
        return new ServerStats(
                connectionCount(),
                subscriptions.size(),
                published.sum(),
                delivered.sum(),
                slowDisconnects.sum(),
                droppedNewest.sum(),
                droppedOldest.sum(),
                conflated.sum(),
                refusedSends.sum(),
                workers == null ? 0 : workers.refusedTasks());
    }

    // ---- shared pieces -------------------------------------------------------------------------------------

    /** The drainer of {@code loop}'s sessions, made on first use. */
    LoopDrainer drainer(EventLoop loop) {
        return drainers.computeIfAbsent(loop, LoopDrainer::new);
    }

    WorkerTasks workers() {
        WorkerTasks w = workers;
        if (w == null) {
            throw new IllegalStateException("workers: the server is not started");
        }
        return w;
    }

    StaticFiles staticFiles() {
        return staticFiles;
    }

    /** The handshaker factory for a connection that negotiates permessage-deflate, or one that does not. */
    WebSocketServerHandshakerFactory handshakerFactory(boolean deflate) {
        return deflate ? deflateHandshakers : plainHandshakers;
    }

    String healthJson() {
        Runtime rt = Runtime.getRuntime();
        long uptimeSeconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startNanos);
        return "{\"status\":\"" + (state.get() == State.STARTED ? "UP" : "STOPPING") + "\""
                + ",\"connections\":" + connectionCount()
                + ",\"uptimeSeconds\":" + uptimeSeconds
                + ",\"heapUsedBytes\":" + (rt.totalMemory() - rt.freeMemory())
                + ",\"directMemoryBytes\":" + PlatformDependent.usedDirectMemory()
                + "}";
    }
}
