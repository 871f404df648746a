package dev.tether.server.internal;

import dev.tether.core.ChannelPattern;
import dev.tether.core.Clock;
import dev.tether.core.CloseCodes;
import dev.tether.core.Durations;
import dev.tether.core.WireFormat;
import dev.tether.server.Authenticator;
import dev.tether.server.HttpRequest;
import dev.tether.server.Identity;
import dev.tether.server.OverflowPolicy;
import dev.tether.server.PresenceMember;
import dev.tether.server.RpcException;
import dev.tether.server.RpcOptions;
import dev.tether.server.ServerConfig;
import dev.tether.server.ServerStats;
import dev.tether.server.Session;
import dev.tether.server.TetherHandler;
import dev.tether.server.WebSocketEndpoint;
import io.netty.channel.Channel;
import io.netty.util.concurrent.Future;
import io.netty.util.internal.PlatformDependent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiPredicate;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything behind {@link dev.tether.server.TetherServer}, put together: the network ({@link NettyServer}), the
 * WebSocket endpoints mounted on their paths (webshocket.v1 on the server's path, raw ones beside it), who is
 * connected ({@link SessionRegistry}), channels and broadcast ({@link ChannelHub}), RPC ({@link RpcDispatcher}), the
 * counters, and the lifecycle: start once, close once.
 */
public final class ServerEngine {
    private static final Logger log = LoggerFactory.getLogger(ServerEngine.class);

    private enum State {
        NEW,
        STARTED,
        DRAINING,
        CLOSING,
        CLOSED
    }

    /** How often a drain looks whether every connection has finished its calls and its output. */
    private static final long DRAIN_CHECK_MILLIS = 20;

    private final ServerConfig config;
    private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
    private final ServerCounters counters = new ServerCounters();
    private final SessionRegistry registry;
    private final ChannelHub hub;
    private final RpcDispatcher rpc;
    private final Map<String, MountedEndpoint> endpoints = new LinkedHashMap<>();
    private final StaticFiles staticFiles;
    private final NettyServer network;
    private final @Nullable AddressLimits addressLimits;
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();
    private volatile @Nullable ServerMeters meters; // made at start, removed at close
    private volatile long startNanos;
    private @Nullable WorkerTasks workers;
    private @Nullable ExecutorService ownedWorkers;

    public ServerEngine(ServerConfig config) {
        this.config = config;
        TetherHandler handler = config.handler();
        this.registry = new SessionRegistry(config.maxConnections(), handler == null ? config.acceptQueueLimit() : 0);
        this.hub = new ChannelHub(
                config.clusterBroker(),
                config.codec(WireFormat.MSGPACK),
                config.codec(WireFormat.JSON),
                registry,
                counters,
                new SharedDeflater(config.deflateThresholdBytes(), counters),
                new ChannelRules(config.history(), config.presence()),
                new PresenceTracker.Settings(config.presenceTtl(), config.presenceInfo()));
        this.staticFiles = new StaticFiles(config.staticDirectory(), config.staticResources());
        this.rpc = new RpcDispatcher(config.predicates(), config.clock(), config.rpcTaskLimit(), this::workers);
        if (handler != null && config.dispatchRpc()) {
            rpc.registerHandler(handler); // a method that cannot be bound fails build(), not the first call
        } else if (handler != null && hasRpcMethods(handler)) {
            throw new IllegalArgumentException(
                    "handler: " + handler.getClass().getName()
                            + " has @Rpc methods (expected: none with dispatchRpc(false), which hands RPC packets to onPacket)");
        }
        if (config.metricsEndpoint() && config.httpEndpoints().containsKey("/metrics")) {
            throw new IllegalArgumentException(
                    "metricsEndpoint: true (expected: false while an httpEndpoint is on /metrics)");
        }
        BiPredicate<? super Session, String> clientSubscriptions = config.clientSubscriptions();
        if (clientSubscriptions != null) {
            registerSubscriptionMethods(clientSubscriptions);
        }
        BiPredicate<? super Session, String> clientPublish = config.clientPublish();
        if (clientPublish != null) {
            registerPublishMethod(clientPublish);
        }
        String baseUrl = (config.tls() == null ? "ws://" : "wss://") + config.host() + ":" + config.port();
        mount(new MountedEndpoint(
                config.path(),
                false,
                baseUrl,
                webshocketSettings(config),
                new WebshocketProtocol(config, config.dispatchRpc() ? rpc : null, hub, registry, this::workers)));
        int maxDeflateBytes = config.perMessageDeflate() ? config.maxMessageBytes() : 0;
        for (WebSocketEndpoint endpoint : config.webSocketEndpoints().values()) {
            mount(new MountedEndpoint(
                    endpoint.path(),
                    endpoint.prefix(),
                    baseUrl,
                    rawSettings(endpoint, config),
                    new RawProtocol(endpoint, this::workers)));
            if (endpoint.perMessageDeflate()) {
                maxDeflateBytes = Math.max(maxDeflateBytes, endpoint.maxMessageBytes());
            }
        }
        this.addressLimits = AddressLimits.of(config);
        this.network = new NettyServer(config, () -> new HttpRouter(this), maxDeflateBytes, addressLimits);
    }

    private void mount(MountedEndpoint endpoint) {
        if (endpoints.putIfAbsent(endpoint.path(), endpoint) != null) {
            throw new IllegalArgumentException("webSocket: path " + endpoint.path()
                    + " (expected: a path no other WebSocket endpoint has; the webshocket endpoint is on "
                    + config.path() + ")");
        }
    }

    private static ConnectionSettings webshocketSettings(ServerConfig c) {
        return new ConnectionSettings(
                c.maxFrameBytes(),
                c.maxMessageBytes(),
                c.maxQueuedBytes(),
                OverflowPolicy.REFUSE,
                c.writeBufferLowWaterMarkBytes(),
                c.writeBufferHighWaterMarkBytes(),
                c.pingInterval(),
                c.idleTimeout(),
                c.closeTimeout(),
                c.perMessageDeflate(),
                ConnectionSettings.lowerCase(c.allowedOrigins()),
                false,
                List.of(WireFormat.SUBPROTOCOL),
                authenticator(c.authenticator()),
                c.maxInboundMessagesPerSecond(),
                c.maxInboundBytesPerSecond(),
                c.inboundRateAction());
    }

    private static ConnectionSettings rawSettings(WebSocketEndpoint e, ServerConfig c) {
        Duration closeTimeout = e.closeTimeout();
        return new ConnectionSettings(
                e.maxFrameBytes(),
                e.maxMessageBytes(),
                e.maxQueuedBytes(),
                e.overflowPolicy(),
                c.writeBufferLowWaterMarkBytes(),
                c.writeBufferHighWaterMarkBytes(),
                e.pingInterval(),
                e.idleTimeout(),
                closeTimeout == null ? c.closeTimeout() : closeTimeout,
                e.perMessageDeflate(),
                ConnectionSettings.lowerCase(e.allowedOrigins()),
                e.originRequired(),
                e.subprotocols(),
                authenticator(e.authenticator() == null ? c.authenticator() : e.authenticator()),
                e.maxInboundMessagesPerSecond(),
                e.maxInboundBytesPerSecond(),
                e.inboundRateAction());
    }

    /** {@code null} for none, and for {@link Authenticator#anonymous()}, which the router need not ask. */
    private static @Nullable Authenticator authenticator(@Nullable Authenticator authenticator) {
        return authenticator instanceof Authenticator.Anonymous ? null : authenticator;
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
        startNanos = config.clock().nanoTime();
        Executor executor = config.workerExecutor();
        if (executor == null) {
            ExecutorService own = Threads.newWorkerExecutor();
            ownedWorkers = own;
            executor = own;
        }
        WorkerTasks tasks = new WorkerTasks(executor, config.maxPendingWorkerTasks(), config.clock());
        workers = tasks;
        ServerMeters m = ServerMeters.create(config);
        if (m != null) {
            m.bindServer(registry, hub, counters, tasks, config.clusterBroker());
            m.bindSources(config); // media endpoints, WebRTC signaling: docs/operations.md
            rpc.meters(m);
            meters = m;
        }
        // The broker first: a client that was waiting for this node (a reconnect after a restart) must find its
        // subscriptions and their history reachable, not a node that answers "not started" for the first seconds.
        hub.start();
        try {
            network.bind();
        } catch (RuntimeException e) {
            state.set(State.CLOSED);
            hub.close();
            finishClose();
            throw e;
        }
    }

    public int port() {
        return network.port();
    }

    /**
     * Stops accepting connections (readiness goes down), waits until every connection has no RPC call without its last
     * reply and no queued output, or until {@code timeout}, then closes as {@link #closeAsync()} does.
     */
    public CompletionStage<Void> drainAsync(Duration timeout) {
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout: " + timeout + " (expected: >= 0)");
        }
        if (!state.compareAndSet(State.STARTED, State.DRAINING)) {
            return closeAsync();
        }
        registry.stopAccepting();
        network.unbind();
        log.info(
                "Tether server on port {} draining: accepting no connections; waiting up to {} for {} connections to"
                        + " finish their calls and output",
                port(),
                Durations.format(timeout),
                registry.connections().size());
        long deadline = config.clock().nanoTime() + timeout.toNanos();
        CompletableFuture<Void> idle = new CompletableFuture<>();
        awaitDrained(deadline, idle);
        return idle.thenCompose(ignored -> closeAsync());
    }

    /** Completes {@code idle} once every connection is drained or the deadline passed; checks on a timer thread. */
    private void awaitDrained(long deadline, CompletableFuture<Void> idle) {
        int busy = 0;
        for (WsConnection connection : registry.connections()) {
            if (!connection.drained()) {
                busy++;
            }
        }
        if (busy == 0) {
            idle.complete(null);
            return;
        }
        if (config.clock().nanoTime() - deadline >= 0) {
            log.warn("Drain timed out with {} connections still busy; closing them anyway", busy);
            idle.complete(null);
            return;
        }
        CompletableFuture.delayedExecutor(DRAIN_CHECK_MILLIS, TimeUnit.MILLISECONDS)
                .execute(() -> awaitDrained(deadline, idle));
    }

    public CompletionStage<Void> closeAsync() {
        if (state.compareAndSet(State.NEW, State.CLOSED)) {
            terminated.complete(null);
            return terminated;
        }
        if (!state.compareAndSet(State.STARTED, State.CLOSING) && !state.compareAndSet(State.DRAINING, State.CLOSING)) {
            return terminated;
        }
        registry.stopAccepting();
        network.unbind();
        hub.close();
        List<CompletableFuture<?>> closing = new ArrayList<>();
        for (WsConnection connection : registry.connections()) {
            connection.close(CloseCodes.GOING_AWAY, CloseCodes.SERVER_SHUTTING_DOWN);
            closing.add(connection.closeFuture().toCompletableFuture());
        }
        long graceMillis = config.shutdownGracePeriod().toMillis();
        CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new))
                .completeOnTimeout(null, graceMillis, TimeUnit.MILLISECONDS)
                .thenCompose(ignored -> closeResources())
                .whenComplete((ok, error) -> {
                    network.closeConnections(); // drops sessions that did not finish and idle HTTP connections
                    Future<?> loops = network.shutdown(graceMillis);
                    if (loops == null) {
                        finishClose();
                    } else {
                        loops.addListener(f -> finishClose());
                    }
                });
        return terminated;
    }

    /** Closes {@link ServerConfig#closeWith()} on a thread of its own: they may block, and this may run on a loop. */
    private CompletableFuture<Void> closeResources() {
        List<AutoCloseable> resources = config.closeWith();
        if (resources.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread closer = new Thread(
                () -> {
                    for (AutoCloseable resource : resources) {
                        try {
                            resource.close();
                        } catch (Exception e) {
                            log.warn("Closing {} with the server failed", resource, e);
                        }
                    }
                    done.complete(null);
                },
                "tether-close");
        closer.setDaemon(true);
        closer.start();
        return done;
    }

    private void finishClose() {
        ServerMeters m = meters;
        if (m != null) {
            m.close();
        }
        ExecutorService own = ownedWorkers;
        if (own != null) {
            own.shutdown();
        }
        boolean wasStarted = state.getAndSet(State.CLOSED) != State.CLOSED;
        if (wasStarted) {
            log.info("Tether server on port {} stopped", port());
        }
        terminated.complete(null);
    }

    public void close() {
        if (network.inEventLoop()) {
            throw new IllegalStateException("close: called on I/O thread "
                    + Thread.currentThread().getName() + " (expected: another thread, or closeAsync())");
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

    // ---- what the router asks for --------------------------------------------------------------------------

    /**
     * The WebSocket endpoint mounted on {@code path}, if any: the one on exactly this path, or else the prefix
     * endpoint on the longest path above it ({@code /ws} for {@code /ws/abc}).
     */
    @Nullable
    MountedEndpoint endpoint(String path) {
        MountedEndpoint exact = endpoints.get(path);
        if (exact != null) {
            return exact;
        }
        for (int slash = path.lastIndexOf('/'); slash > 0; slash = path.lastIndexOf('/', slash - 1)) {
            MountedEndpoint above = endpoints.get(path.substring(0, slash));
            if (above != null && above.prefix()) {
                return above;
            }
        }
        return null;
    }

    SessionRegistry registry() {
        return registry;
    }

    Clock clock() {
        return config.clock();
    }

    /** A connection being upgraded on {@code channel}. */
    WsConnection newConnection(
            Channel channel,
            ConnectionSettings settings,
            HttpRequest request,
            Identity identity,
            @Nullable String subprotocol,
            boolean textByDefault,
            boolean deflate,
            boolean sharesCompressedFrames) {
        return new WsConnection(
                channel,
                settings,
                request,
                identity,
                subprotocol,
                textByDefault,
                deflate,
                sharesCompressedFrames,
                config.clock(),
                registry,
                counters,
                network.drainer(channel.eventLoop()));
    }

    /** The per-address limits, or {@code null} when they are off. */
    @Nullable
    AddressLimits addressLimits() {
        return addressLimits;
    }

    ServerCounters counters() {
        return counters;
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

    String healthJson() {
        Runtime rt = Runtime.getRuntime();
        long uptimeSeconds = TimeUnit.NANOSECONDS.toSeconds(config.clock().nanoTime() - startNanos);
        return "{\"status\":\"" + (state.get() == State.STARTED ? "UP" : "STOPPING") + "\""
                + ",\"connections\":" + connectionCount()
                + ",\"uptimeSeconds\":" + uptimeSeconds
                + ",\"heapUsedBytes\":" + (rt.totalMemory() - rt.freeMemory())
                + ",\"directMemoryBytes\":" + PlatformDependent.usedDirectMemory()
                + "}";
    }

    /** The meters of connections speaking {@code protocol}, or {@code null} when the server counts nothing. */
    ServerMeters.@Nullable ProtocolMeters protocolMeters(String protocol) {
        ServerMeters m = meters;
        return m == null ? null : m.protocol(protocol);
    }

    /** The registry {@code GET /metrics} reads, or {@code null} when that endpoint is off. */
    @Nullable
    ServerMeters metricsEndpoint() {
        ServerMeters m = meters;
        return m != null && m.prometheus() != null ? m : null;
    }

    /** {@code GET /health/live}: the process serves HTTP, so it is alive. */
    static String liveJson() {
        return "{\"status\":\"UP\"}";
    }

    /**
     * {@code GET /health/ready}: {@code null} when this node should get new clients, else why not. Reads volatile
     * state only: it runs on the I/O thread.
     */
    @Nullable
    String notReady() {
        State now = state.get();
        if (now != State.STARTED) {
            if (now == State.NEW) {
                return "the server is not started";
            }
            return now == State.DRAINING ? "the server is draining" : "the server is closing";
        }
        if (!config.clusterBroker().isConnected()) {
            return "the cluster broker is disconnected";
        }
        return null;
    }

    // ---- what TetherServer asks for ------------------------------------------------------------------------

    public List<Session> sessions() {
        return registry.sessions();
    }

    public @Nullable Session session(UUID id) {
        return registry.session(id);
    }

    public int connectionCount() {
        return registry.connectionCount();
    }

    public Session accept(Duration timeout) throws InterruptedException {
        return registry.accept(timeout);
    }

    public int broadcast(
            @Nullable Object data, Collection<? extends Session> exclude, Predicate<? super Session> filter) {
        return hub.broadcast(data, exclude, filter);
    }

    public int publish(
            Collection<String> channels,
            @Nullable Object data,
            Collection<? extends Session> exclude,
            Predicate<? super Session> filter) {
        return hub.publish(channels, data, exclude, filter);
    }

    public ServerStats stats() {
        WorkerTasks w = workers;
        return counters.stats(connectionCount(), hub.subscribedChannels(), w == null ? 0 : w.refusedTasks());
    }

    // ---- RPC setup -----------------------------------------------------------------------------------------

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

    /**
     * The built-in {@code subscribe(name)}, {@code unsubscribe(name)} and {@code presence(name)} methods for clients;
     * {@code subscribe} with keyword arguments is Tether's extension (docs/protocol.md).
     */
    private void registerSubscriptionMethods(BiPredicate<? super Session, String> allowed) {
        rpc.registry().register(RpcOptions.named("subscribe"), call -> {
            String name = call.arg(0, "name", String.class);
            if (!allowed.test(call.session(), name)) {
                throw new RpcException("Access denied for channel '" + name + "'.");
            }
            Map<String, @Nullable Object> kwargs = call.kwargs();
            if (kwargs.isEmpty()) {
                try {
                    return call.session().subscribe(name);
                } catch (IllegalArgumentException malformed) {
                    throw new RpcException(String.valueOf(malformed.getMessage()));
                }
            }
            SubscribeOptions options = SubscribeOptions.parse(name, kwargs);
            return hub.subscribeExtended(
                    (DefaultSession) call.session(), name, options.positions(), options.since(), options.joinLeave());
        });
        rpc.registry()
                .register(
                        RpcOptions.named("unsubscribe"),
                        call -> call.session().unsubscribe(call.arg(0, "name", String.class)));
        rpc.registry().register(RpcOptions.named("presence"), call -> {
            String name = call.arg(0, "name", String.class);
            if (!allowed.test(call.session(), name)) {
                throw new RpcException("Access denied for channel '" + name + "'.");
            }
            if (!hub.tracksPresence(name)) {
                throw new InvalidParams(
                        "presence(name) argument 'name': \"" + name + "\" (expected: a channel that tracks presence)");
            }
            return hub.presence(name).thenApply(members -> {
                List<Map<String, @Nullable Object>> list = new ArrayList<>(members.size());
                for (PresenceMember member : members) {
                    Map<String, @Nullable Object> item = new LinkedHashMap<>();
                    item.put("session", member.session());
                    item.put("info", member.info());
                    list.add(item);
                }
                return list;
            });
        });
    }

    /**
     * The built-in {@code publish(channel, data)} method for clients: a publication like the server's own, answered
     * with the deliveries queued on this node.
     */
    private void registerPublishMethod(BiPredicate<? super Session, String> allowed) {
        rpc.registry().register(RpcOptions.named("publish"), call -> {
            String channel = call.arg(0, "channel", String.class);
            if (channel.isEmpty() || ChannelPattern.isPattern(channel)) {
                throw new InvalidParams("publish(channel, data) argument 'channel': \"" + channel
                        + "\" (expected: a channel name, without * ? [ ])");
            }
            List<@Nullable Object> args = call.args();
            if (args.size() < 2 && !call.kwargs().containsKey("data")) {
                throw new InvalidParams("publish(channel, data): no 'data' (expected: a second argument)");
            }
            if (!allowed.test(call.session(), channel)) {
                throw new RpcException("Access denied for channel '" + channel + "'.");
            }
            Object data = args.size() >= 2 ? args.get(1) : call.kwargs().get("data");
            return publish(List.of(channel), data, Set.of(), session -> true);
        });
    }

    /** Who is present in {@code channel}, on every node. */
    public CompletionStage<List<PresenceMember>> presence(String channel) {
        if (!hub.tracksPresence(channel)) {
            throw new IllegalArgumentException(
                    "channel: '" + channel + "' (expected: a channel name that tracks presence, see presence(...))");
        }
        return hub.presence(channel);
    }
}
