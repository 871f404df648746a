package dev.tether.server;

import dev.tether.core.Checks;
import dev.tether.core.Clock;
import dev.tether.core.PacketCodec;
import dev.tether.core.PacketCodecs;
import dev.tether.core.WireFormat;
import dev.tether.server.internal.ServerEngine;
import dev.tether.server.spi.ClusterBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.BiPredicate;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * A WebSocket server that speaks webshocket.v1: MessagePack with framework clients, JSON with generic ones.
 *
 * <p>Lifecycle: {@link #builder()} makes a stopped server, {@link #start()} binds and returns once the port is
 * listening, {@link #close()} sends 1001 to every client, stops accepting and returns within the shutdown grace
 * period. A server starts once. Plain HTTP on the same port serves {@code GET /health}, the registered
 * {@link HttpEndpoint}s and static files.
 *
 * <p>Threading: each session lives on one I/O thread; handler callbacks for a session run in order on a
 * worker thread (see {@link TetherHandler}). Every public method is thread-safe and none blocks except
 * {@link #close()} and {@link #accept}. {@code docs/concurrency.md} describes what runs where.
 *
 * <pre>{@code
 * TetherServer server = TetherServer.builder()
 *         .port(8765)
 *         .handler(new TetherHandler() {
 *             public void onPacket(Session session, Packet packet) {
 *                 session.send(packet.data());
 *             }
 *         })
 *         .build()
 *         .start();
 * }</pre>
 */
public final class TetherServer implements AutoCloseable {
    private final ServerConfig config;
    private final ServerEngine engine;

    private TetherServer(ServerConfig config) {
        this.config = config;
        this.engine = new ServerEngine(config);
    }

    /** A builder with the defaults of {@code docs/configuration.md}. */
    public static Builder builder() {
        return new Builder();
    }

    /** The settings this server was built with. */
    public ServerConfig config() {
        return config;
    }

    /**
     * Binds the port and starts accepting connections.
     *
     * @throws dev.tether.core.TetherException if the port cannot be bound
     * @throws IllegalStateException if the server was already started
     */
    public TetherServer start() {
        engine.start();
        return this;
    }

    /**
     * The RPC methods, to register and unregister at run time; the handler's {@link Rpc} methods are already there.
     */
    public RpcRegistry rpc() {
        return engine.rpc().registry();
    }

    /** The bound port: the configured one, or the one the system picked for port 0. */
    public int port() {
        return engine.port();
    }

    /** A snapshot of the open sessions. */
    public List<Session> sessions() {
        return engine.sessions();
    }

    /** The open session with this id, if any. */
    public Optional<Session> session(UUID id) {
        return Optional.ofNullable(engine.session(id));
    }

    /** How many sessions are open (or completing their handshake). */
    public int connectionCount() {
        return engine.connectionCount();
    }

    /**
     * Sends {@code data} as a {@code BROADCAST} packet to every open session; see
     * {@link #broadcast(Object, Collection, Predicate)}.
     */
    public int broadcast(@Nullable Object data) {
        return broadcast(data, Set.of(), session -> true);
    }

    /**
     * Sends {@code data} as a {@code BROADCAST} packet to every open session that is not in {@code exclude}
     * and satisfies {@code filter}. The packet is encoded once per wire format and the bytes are shared.
     *
     * @return how many sessions the packet was queued for
     */
    public int broadcast(
            @Nullable Object data, Collection<? extends Session> exclude, Predicate<? super Session> filter) {
        return engine.broadcast(data, exclude, filter);
    }

    /**
     * Publishes {@code data} on {@code channel}; see {@link #publish(Collection, Object, Collection, Predicate)}.
     */
    public int publish(String channel, @Nullable Object data) {
        return publish(List.of(channel), data, Set.of(), session -> true);
    }

    /**
     * Sends {@code data} as a {@code CHANNEL} packet, once per channel, to every session subscribed to one of
     * {@code channels} by name or by a matching pattern, except those in {@code exclude} or failing
     * {@code filter}; and, through the {@link ClusterBroker}, to the other nodes. The packet is encoded once
     * per wire format and the bytes are shared by every recipient. Messages of one channel published from one
     * thread reach each subscriber in order. What happens for a client that cannot keep up is its subscription's
     * {@link SlowConsumerPolicy}.
     *
     * @return how many deliveries were queued on this node (a session subscribed to two of the channels counts
     *     twice)
     * @throws IllegalArgumentException if a channel name is empty or a pattern
     */
    public int publish(
            Collection<String> channels,
            @Nullable Object data,
            Collection<? extends Session> exclude,
            Predicate<? super Session> filter) {
        return engine.publish(channels, data, exclude, filter);
    }

    /** The server's counters: connections, publications, deliveries and slow-consumer actions. */
    public ServerStats stats() {
        return engine.stats();
    }

    /**
     * Waits up to {@code timeout} for the next new session in pull mode (a server built without a handler).
     *
     * @throws ReceiveTimeoutException if no client connected in time
     * @throws IllegalStateException if the server has a handler
     */
    public Session accept(Duration timeout) throws InterruptedException {
        return engine.accept(timeout);
    }

    /**
     * Closes every session with 1001, stops accepting, and completes once all sessions closed or the grace
     * period ran out (the rest are dropped then) and the threads are stopped.
     */
    public CompletionStage<Void> closeAsync() {
        return engine.closeAsync();
    }

    /**
     * Like {@link #closeAsync()}, waiting for it to complete.
     *
     * @throws IllegalStateException if called on one of the server's I/O threads
     */
    @Override
    public void close() {
        engine.close();
    }

    @Override
    public String toString() {
        return "TetherServer{" + (config.tls() == null ? "ws" : "wss") + "://" + config.host() + ":" + port()
                + config.path() + ", sessions=" + connectionCount() + "}";
    }

    /** Collects a server's settings; {@code docs/configuration.md} lists the defaults. Not thread-safe. */
    public static final class Builder {
        String host = "0.0.0.0";
        int port = 8765;
        String path = "/";

        @Nullable
        TlsConfig tls;

        int maxConnections = Integer.MAX_VALUE;
        int maxFrameBytes = 4 << 20;
        int maxMessageBytes = 4 << 20;
        int maxHttpRequestBytes = 64 << 10;
        Duration handshakeTimeout = Duration.ofSeconds(10);
        Duration pingInterval = Duration.ofSeconds(30);
        Duration idleTimeout = Duration.ofSeconds(60);
        Duration closeTimeout = Duration.ofSeconds(2);
        Duration shutdownGracePeriod = Duration.ofSeconds(5);
        Set<String> allowedOrigins = new HashSet<>();
        boolean perMessageDeflate;
        boolean jsonInBinaryFrames;
        int writeBufferLowWaterMarkBytes = 512 << 10;
        int writeBufferHighWaterMarkBytes = 1 << 20;
        long maxQueuedBytes = 4 << 20;
        int maxInboundQueuedPackets = 256;
        int acceptQueueLimit = 1024;
        int ioThreads;
        boolean nativeTransport = true;

        @Nullable
        Executor workerExecutor;

        @Nullable
        TetherHandler handler;

        @Nullable
        String staticResources;

        @Nullable
        Path staticDirectory;

        Map<String, HttpEndpoint> httpEndpoints = new LinkedHashMap<>();
        int maxSubscribedChannels = 5;
        SlowConsumerPolicy slowConsumerPolicy = SlowConsumerPolicy.DISCONNECT;
        ClusterBroker clusterBroker = ClusterBroker.local();
        boolean dispatchRpc = true;
        int socketSendBufferBytes;

        @Nullable
        BiPredicate<? super Session, String> clientSubscriptions;

        PacketCodec msgpackCodec = PacketCodecs.msgpack();
        PacketCodec jsonCodec = PacketCodecs.json();
        Clock clock = Clock.system();
        int rpcTaskLimit = 1024;
        int maxPendingWorkerTasks = 10_000;
        Map<String, Predicate<? super Session>> predicates = new LinkedHashMap<>();

        Builder() {}

        Builder(ServerConfig c) {
            host = c.host;
            port = c.port;
            path = c.path;
            tls = c.tls;
            maxConnections = c.maxConnections;
            maxFrameBytes = c.maxFrameBytes;
            maxMessageBytes = c.maxMessageBytes;
            maxHttpRequestBytes = c.maxHttpRequestBytes;
            handshakeTimeout = c.handshakeTimeout;
            pingInterval = c.pingInterval;
            idleTimeout = c.idleTimeout;
            closeTimeout = c.closeTimeout;
            shutdownGracePeriod = c.shutdownGracePeriod;
            allowedOrigins = new HashSet<>(c.allowedOrigins);
            perMessageDeflate = c.perMessageDeflate;
            jsonInBinaryFrames = c.jsonInBinaryFrames;
            writeBufferLowWaterMarkBytes = c.writeBufferLowWaterMarkBytes;
            writeBufferHighWaterMarkBytes = c.writeBufferHighWaterMarkBytes;
            maxQueuedBytes = c.maxQueuedBytes;
            maxInboundQueuedPackets = c.maxInboundQueuedPackets;
            acceptQueueLimit = c.acceptQueueLimit;
            ioThreads = c.ioThreads;
            nativeTransport = c.nativeTransport;
            workerExecutor = c.workerExecutor;
            handler = c.handler;
            staticResources = c.staticResources;
            staticDirectory = c.staticDirectory;
            httpEndpoints = new LinkedHashMap<>(c.httpEndpoints);
            maxSubscribedChannels = c.maxSubscribedChannels;
            slowConsumerPolicy = c.slowConsumerPolicy;
            clusterBroker = c.clusterBroker;
            dispatchRpc = c.dispatchRpc;
            socketSendBufferBytes = c.socketSendBufferBytes;
            clientSubscriptions = c.clientSubscriptions;
            msgpackCodec = c.msgpackCodec;
            jsonCodec = c.jsonCodec;
            clock = c.clock;
            rpcTaskLimit = c.rpcTaskLimit;
            maxPendingWorkerTasks = c.maxPendingWorkerTasks;
            predicates = new LinkedHashMap<>(c.predicates);
        }

        /** The address to bind (default {@code 0.0.0.0}). */
        public Builder host(String host) {
            this.host = Checks.notEmpty(host, "host");
            return this;
        }

        /** The port to bind (default 8765); 0 picks a free port. */
        public Builder port(int port) {
            this.port = Checks.inRange(port, 0, 65_535, "port");
            return this;
        }

        /** The WebSocket path (default {@code /}). */
        public Builder path(String path) {
            if (!path.startsWith("/")) {
                throw new IllegalArgumentException("path: " + path + " (expected: starts with '/')");
            }
            this.path = path;
            return this;
        }

        /** Serves {@code wss://} with these keys (default: plain {@code ws://}). */
        public Builder tls(@Nullable TlsConfig tls) {
            this.tls = tls;
            return this;
        }

        /** The most sessions open at once (default: no limit). */
        public Builder maxConnections(int maxConnections) {
            this.maxConnections = Checks.inRange(maxConnections, 1, Integer.MAX_VALUE, "maxConnections");
            return this;
        }

        /** The largest frame accepted (default 4 MiB). */
        public Builder maxFrameBytes(int maxFrameBytes) {
            this.maxFrameBytes = Checks.inRange(maxFrameBytes, 126, Integer.MAX_VALUE, "maxFrameBytes");
            return this;
        }

        /** The largest message accepted, all fragments together (default 4 MiB). */
        public Builder maxMessageBytes(int maxMessageBytes) {
            this.maxMessageBytes = Checks.inRange(maxMessageBytes, 126, Integer.MAX_VALUE, "maxMessageBytes");
            return this;
        }

        /** The largest plain HTTP request accepted (default 64 KiB). */
        public Builder maxHttpRequestBytes(int maxHttpRequestBytes) {
            this.maxHttpRequestBytes =
                    Checks.inRange(maxHttpRequestBytes, 1024, Integer.MAX_VALUE, "maxHttpRequestBytes");
            return this;
        }

        /** How long a connection may take to finish the upgrade (default 10 s). */
        public Builder handshakeTimeout(Duration handshakeTimeout) {
            this.handshakeTimeout = Checks.positive(handshakeTimeout, "handshakeTimeout");
            return this;
        }

        /** Idle time before the server pings (default 30 s); zero disables pings. */
        public Builder pingInterval(Duration pingInterval) {
            this.pingInterval = Checks.notNegative(pingInterval, "pingInterval");
            return this;
        }

        /** Idle time before the session is closed with 1011 (default 60 s); zero disables it. */
        public Builder idleTimeout(Duration idleTimeout) {
            this.idleTimeout = Checks.notNegative(idleTimeout, "idleTimeout");
            return this;
        }

        /** How long a close waits for the client's close frame (default 2 s). */
        public Builder closeTimeout(Duration closeTimeout) {
            this.closeTimeout = Checks.positive(closeTimeout, "closeTimeout");
            return this;
        }

        /** How long {@link TetherServer#close()} waits for sessions (default 5 s). */
        public Builder shutdownGracePeriod(Duration shutdownGracePeriod) {
            this.shutdownGracePeriod = Checks.notNegative(shutdownGracePeriod, "shutdownGracePeriod");
            return this;
        }

        /**
         * Allows browsers from these origins only, e.g. {@code https://chat.example.com}; a handshake with another
         * {@code Origin} gets 403. Requests without an {@code Origin} header (non-browser clients) are allowed.
         * Default: every origin.
         */
        public Builder allowedOrigins(Collection<String> origins) {
            this.allowedOrigins = new HashSet<>(origins);
            return this;
        }

        /** Negotiates permessage-deflate with clients that offer it (default off: it costs memory per session). */
        public Builder perMessageDeflate(boolean perMessageDeflate) {
            this.perMessageDeflate = perMessageDeflate;
            return this;
        }

        /** Sends JSON to generic clients in BINARY frames, as the Python server does (default TEXT frames). */
        public Builder jsonInBinaryFrames(boolean jsonInBinaryFrames) {
            this.jsonInBinaryFrames = jsonInBinaryFrames;
            return this;
        }

        /** The outbound water marks of every session (default 512 KiB and 1 MiB). */
        public Builder writeBufferWaterMarks(int lowBytes, int highBytes) {
            this.writeBufferLowWaterMarkBytes = Checks.inRange(lowBytes, 0, Integer.MAX_VALUE, "lowBytes");
            this.writeBufferHighWaterMarkBytes = Checks.inRange(highBytes, 1, Integer.MAX_VALUE, "highBytes");
            return this;
        }

        /** The hard bound on a session's queued outbound bytes (default 4 MiB). */
        public Builder maxQueuedBytes(long maxQueuedBytes) {
            if (maxQueuedBytes < 1) {
                throw new IllegalArgumentException("maxQueuedBytes: " + maxQueuedBytes + " (expected: > 0)");
            }
            this.maxQueuedBytes = maxQueuedBytes;
            return this;
        }

        /** Received packets that may wait for the application per session before reading pauses (default 256). */
        public Builder maxInboundQueuedPackets(int maxInboundQueuedPackets) {
            this.maxInboundQueuedPackets =
                    Checks.inRange(maxInboundQueuedPackets, 1, Integer.MAX_VALUE, "maxInboundQueuedPackets");
            return this;
        }

        /** In pull mode, new sessions that may wait for {@link TetherServer#accept} (default 1024). */
        public Builder acceptQueueLimit(int acceptQueueLimit) {
            this.acceptQueueLimit = Checks.inRange(acceptQueueLimit, 1, Integer.MAX_VALUE, "acceptQueueLimit");
            return this;
        }

        /** The number of I/O threads (default 0: one per available processor). */
        public Builder ioThreads(int ioThreads) {
            this.ioThreads = Checks.inRange(ioThreads, 0, 1024, "ioThreads");
            return this;
        }

        /** Whether to use the native epoll transport where available (default true). */
        public Builder nativeTransport(boolean nativeTransport) {
            this.nativeTransport = nativeTransport;
            return this;
        }

        /**
         * The executor for handler callbacks and HTTP endpoints (default: a virtual thread per task on Java 21+,
         * else a bounded pool); the caller owns it and shuts it down.
         */
        public Builder workerExecutor(@Nullable Executor workerExecutor) {
            this.workerExecutor = workerExecutor;
            return this;
        }

        /** The application's handler; {@code null} (the default) selects pull mode. */
        public Builder handler(@Nullable TetherHandler handler) {
            this.handler = handler;
            return this;
        }

        /** Serves static files from this class path folder, e.g. {@code tether/demo} (default: none). */
        public Builder staticResources(@Nullable String classpathFolder) {
            this.staticResources = classpathFolder;
            return this;
        }

        /** Serves static files from this folder (default: none); checked before the class path folder. */
        public Builder staticDirectory(@Nullable Path directory) {
            this.staticDirectory = directory;
            return this;
        }

        /** Serves plain HTTP requests for exactly {@code path} with {@code endpoint}. */
        public Builder httpEndpoint(String path, HttpEndpoint endpoint) {
            if (!path.startsWith("/")) {
                throw new IllegalArgumentException("path: " + path + " (expected: starts with '/')");
            }
            httpEndpoints.put(path, endpoint);
            return this;
        }

        /** The most channels and patterns one session may subscribe to (default 5); 0 or less means no limit. */
        public Builder maxSubscribedChannels(int maxSubscribedChannels) {
            this.maxSubscribedChannels = maxSubscribedChannels;
            return this;
        }

        /** What happens to channel messages for a client that cannot keep up (default {@code DISCONNECT}). */
        public Builder slowConsumerPolicy(SlowConsumerPolicy slowConsumerPolicy) {
            this.slowConsumerPolicy = slowConsumerPolicy;
            return this;
        }

        /** The broker that carries publications between nodes (default {@link ClusterBroker#local()}: one node). */
        public Builder clusterBroker(ClusterBroker clusterBroker) {
            this.clusterBroker = clusterBroker;
            return this;
        }

        /**
         * Each connection's kernel send buffer (SO_SNDBUF), default 0: the system's default, which Linux grows up to
         * {@code net.ipv4.tcp_wmem}'s maximum (4 MiB by default) for a client that does not read. A fixed size
         * bounds the kernel memory a slow client can hold and makes it count as slow sooner (see
         * {@link SlowConsumerPolicy}); it also turns the kernel's autotuning off for those sockets.
         */
        public Builder socketSendBufferBytes(int socketSendBufferBytes) {
            this.socketSendBufferBytes =
                    Checks.inRange(socketSendBufferBytes, 0, Integer.MAX_VALUE, "socketSendBufferBytes");
            return this;
        }

        /**
         * Whether Tether answers RPC requests with its dispatcher (default {@code true}). Off, RPC request packets
         * reach {@link TetherHandler#onPacket} like any other packet and the application answers them itself with
         * {@code Packet.rpc(RpcResponse...)}: for gateways that forward calls elsewhere, and for scripted test peers.
         * {@link Rpc} methods of the handler are then refused at {@code build()}.
         */
        public Builder dispatchRpc(boolean dispatchRpc) {
            this.dispatchRpc = dispatchRpc;
            return this;
        }

        /**
         * Lets clients subscribe themselves with the built-in RPC methods {@code subscribe(name)} and
         * {@code unsubscribe(name)}, for clients that cannot run server code (browsers, command-line tools). Each
         * {@code subscribe} asks {@code allowed} whether the calling session may subscribe to that name or pattern;
         * a refusal is answered with an application error {@code Access denied for channel 'NAME'.}.
         * {@code subscribe} returns {@code true}, or {@code false} when the session is at its subscription limit.
         * Off by default; the method names must not be taken by the handler's own RPC methods.
         */
        public Builder clientSubscriptions(@Nullable BiPredicate<? super Session, String> allowed) {
            this.clientSubscriptions = allowed;
            return this;
        }

        /**
         * Replaces the codec of {@code codec.format()}, for example one with extra Jackson modules for the
         * application's types (default {@link PacketCodecs}).
         */
        public Builder packetCodec(PacketCodec codec) {
            if (codec.format() == WireFormat.MSGPACK) {
                this.msgpackCodec = codec;
            } else {
                this.jsonCodec = codec;
            }
            return this;
        }

        /** The clock that rate limits read (default {@link Clock#system()}); tests pass a {@code ManualClock}. */
        public Builder clock(Clock clock) {
            this.clock = java.util.Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * How many RPC calls of one session may run at once (default 1024); a call beyond it is refused at once
         * with an INTERNAL_SERVER_ERROR reply. Streams count until they end.
         */
        public Builder rpcTaskLimit(int rpcTaskLimit) {
            this.rpcTaskLimit = Checks.inRange(rpcTaskLimit, 1, Integer.MAX_VALUE, "rpcTaskLimit");
            return this;
        }

        /**
         * How many tasks the worker executor may hold, queued or running, across the server (default 10,000), counted
         * by Tether whichever executor runs them. Past it an RPC call for a worker is refused at once with an
         * INTERNAL_SERVER_ERROR reply {@code Server busy: …; retry later.}, a stream that needs its next items pulled
         * ends with that error, and an HTTP request gets 503. Session callbacks are never refused but count.
         */
        public Builder maxPendingWorkerTasks(int maxPendingWorkerTasks) {
            this.maxPendingWorkerTasks =
                    Checks.inRange(maxPendingWorkerTasks, 1, Integer.MAX_VALUE, "maxPendingWorkerTasks");
            return this;
        }

        /**
         * Names a permission predicate for {@link Rpc#requires()}, e.g.
         * {@code predicate("loggedIn", Predicates.has("user"))}. A name given again replaces the earlier predicate.
         */
        public Builder predicate(String name, Predicate<? super Session> predicate) {
            Checks.notEmpty(name, "name");
            predicates.put(name, java.util.Objects.requireNonNull(predicate, "predicate"));
            return this;
        }

        /** The settings collected so far. */
        public ServerConfig config() {
            return new ServerConfig(this);
        }

        /**
         * A stopped server with these settings; {@link TetherServer#start()} binds it.
         *
         * @throws IllegalArgumentException if an {@link Rpc} method of the handler cannot be bound, names an unknown
         *     predicate or has an invalid limit
         */
        public TetherServer build() {
            return new TetherServer(config());
        }
    }
}
