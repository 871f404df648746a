package dev.tether.server;

import static dev.tether.server.ServerSettings.*;

import dev.tether.core.ChannelPattern;
import dev.tether.core.Checks;
import dev.tether.core.Clock;
import dev.tether.core.PacketCodec;
import dev.tether.core.Setting;
import dev.tether.core.SettingValues;
import dev.tether.core.WireFormat;
import dev.tether.server.internal.ServerEngine;
import dev.tether.server.spi.ClusterBroker;
import dev.tether.server.spi.HistoryPolicy;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.BiPredicate;
import java.util.function.Function;
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

    /**
     * Who is present in {@code channel} on every node of the cluster (see {@link Builder#presence}); completes when
     * the broker answered.
     *
     * @throws IllegalArgumentException when {@code channel} does not track presence
     */
    public CompletionStage<List<PresenceMember>> presence(String channel) {
        return engine.presence(channel);
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
     * Drains, then closes: stops accepting connections at once ({@code /health/ready} answers 503
     * {@code "the server is draining"}), lets the sessions finish the RPC calls they have started (new calls on them
     * are still served) and write out what is queued for them, then closes as {@link #closeAsync()} does, with 1001,
     * which Tether's clients answer by reconnecting, with jitter, to whichever server the address leads to now. The
     * wait ends when every connection is done, or after {@code timeout}. Safe to call from any thread, once; a second
     * call, or one on a closing server, returns the close.
     *
     * @throws IllegalArgumentException if {@code timeout} is negative
     */
    public CompletionStage<Void> drain(Duration timeout) {
        return engine.drainAsync(timeout);
    }

    /** {@link #drain(Duration)} with the {@code drainTimeout} setting (10 s by default). */
    public CompletionStage<Void> drain() {
        return engine.drainAsync(config.drainTimeout());
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

    /**
     * Collects a server's settings, each checked as it is set against its declaration in {@link ServerSettings},
     * which also holds its default and allowed values ({@code docs/configuration.md} lists them); the rules between
     * settings are checked by {@link #config()} and {@link #build()}. Not thread-safe.
     */
    public static final class Builder {
        private final SettingValues.Builder values;

        Builder() {
            this(ServerSettings.ALL.defaults());
        }

        Builder(SettingValues.Builder values) {
            this.values = values;
        }

        /**
         * Sets {@code setting}, one of {@link ServerSettings}, to {@code value}: what the typed methods below do,
         * for code that sets settings by their declaration, such as the {@code tether serve} options.
         *
         * @throws IllegalArgumentException naming the setting and what it allows, if it does not allow the value
         */
        public <T> Builder set(Setting<T> setting, @Nullable T value) {
            values.set(setting, value);
            return this;
        }

        /** The address to bind. */
        public Builder host(String host) {
            return set(HOST, host);
        }

        /** The port to bind; 0 picks a free port. */
        public Builder port(int port) {
            return set(PORT, port);
        }

        /** The WebSocket path. */
        public Builder path(String path) {
            return set(PATH, path);
        }

        /** Serves {@code wss://} with these keys. */
        public Builder tls(@Nullable TlsConfig tls) {
            return set(TLS, tls);
        }

        /** The most sessions open at once. */
        public Builder maxConnections(int maxConnections) {
            return set(MAX_CONNECTIONS, maxConnections);
        }

        /** The largest frame accepted. */
        public Builder maxFrameBytes(int maxFrameBytes) {
            return set(MAX_FRAME_BYTES, maxFrameBytes);
        }

        /** The largest message accepted, all fragments together. */
        public Builder maxMessageBytes(int maxMessageBytes) {
            return set(MAX_MESSAGE_BYTES, maxMessageBytes);
        }

        /** The largest plain HTTP request accepted. */
        public Builder maxHttpRequestBytes(int maxHttpRequestBytes) {
            return set(MAX_HTTP_REQUEST_BYTES, maxHttpRequestBytes);
        }

        /** How long a connection may take to finish the upgrade. */
        public Builder handshakeTimeout(Duration handshakeTimeout) {
            return set(HANDSHAKE_TIMEOUT, handshakeTimeout);
        }

        /** Idle time before the server pings; zero disables pings. */
        public Builder pingInterval(Duration pingInterval) {
            return set(PING_INTERVAL, pingInterval);
        }

        /** Idle time before the session is closed with 1011; zero disables it. */
        public Builder idleTimeout(Duration idleTimeout) {
            return set(IDLE_TIMEOUT, idleTimeout);
        }

        /** How long a close waits for the client's close frame. */
        public Builder closeTimeout(Duration closeTimeout) {
            return set(CLOSE_TIMEOUT, closeTimeout);
        }

        /** How long a drain waits for sessions' calls and output; what {@link TetherServer#drain()} uses. */
        public Builder drainTimeout(Duration drainTimeout) {
            return set(DRAIN_TIMEOUT, drainTimeout);
        }

        /** How long {@link TetherServer#close()} waits for sessions. */
        public Builder shutdownGracePeriod(Duration shutdownGracePeriod) {
            return set(SHUTDOWN_GRACE_PERIOD, shutdownGracePeriod);
        }

        /**
         * Decides on every WebSocket upgrade before a session exists: {@code authenticator} sees the request and
         * accepts it with the client's {@link Identity} ({@link Session#identity()}) or refuses it with an HTTP status
         * and message. It runs on a worker thread and must answer within {@link #handshakeTimeout}. Raw endpoints use
         * it too unless they set their own. Default: none, every session is {@link Identity#anonymous()}. See
         * {@link JwtAuthenticator} for JSON Web Tokens.
         */
        public Builder authenticator(@Nullable Authenticator authenticator) {
            return set(AUTHENTICATOR, authenticator);
        }

        /**
         * Allows browsers from these origins only, e.g. {@code https://chat.example.com}; a handshake with another
         * {@code Origin} gets 403. Requests without an {@code Origin} header (non-browser clients) are allowed.
         * Default: every origin.
         */
        public Builder allowedOrigins(Collection<String> origins) {
            return set(ALLOWED_ORIGINS, Set.copyOf(origins));
        }

        /** Negotiates permessage-deflate with clients that offer it. */
        public Builder perMessageDeflate(boolean perMessageDeflate) {
            return set(PER_MESSAGE_DEFLATE, perMessageDeflate);
        }

        /** See {@link ServerSettings#DEFLATE_NO_CONTEXT_TAKEOVER}. */
        public Builder deflateNoContextTakeover(boolean deflateNoContextTakeover) {
            return set(DEFLATE_NO_CONTEXT_TAKEOVER, deflateNoContextTakeover);
        }

        /** See {@link ServerSettings#DEFLATE_THRESHOLD_BYTES}. */
        public Builder deflateThresholdBytes(int deflateThresholdBytes) {
            return set(DEFLATE_THRESHOLD_BYTES, deflateThresholdBytes);
        }

        /** See {@link ServerSettings#DEFLATE_WINDOW_BITS}. */
        public Builder deflateWindowBits(int deflateWindowBits) {
            return set(DEFLATE_WINDOW_BITS, deflateWindowBits);
        }

        /** See {@link ServerSettings#DEFLATE_MEM_LEVEL}. */
        public Builder deflateMemLevel(int deflateMemLevel) {
            return set(DEFLATE_MEM_LEVEL, deflateMemLevel);
        }

        /** Sends JSON to generic clients in BINARY frames, as the Python server does. */
        public Builder jsonInBinaryFrames(boolean jsonInBinaryFrames) {
            return set(JSON_IN_BINARY_FRAMES, jsonInBinaryFrames);
        }

        /** The outbound water marks of every session. */
        public Builder writeBufferWaterMarks(int lowBytes, int highBytes) {
            return set(WRITE_BUFFER_LOW_WATER_MARK_BYTES, lowBytes).set(WRITE_BUFFER_HIGH_WATER_MARK_BYTES, highBytes);
        }

        /** The hard bound on a session's queued outbound bytes. */
        public Builder maxQueuedBytes(long maxQueuedBytes) {
            return set(MAX_QUEUED_BYTES, maxQueuedBytes);
        }

        /** Received packets that may wait for the application per session before reading pauses. */
        public Builder maxInboundQueuedPackets(int maxInboundQueuedPackets) {
            return set(MAX_INBOUND_QUEUED_PACKETS, maxInboundQueuedPackets);
        }

        /**
         * Bounds what one session may send: {@code messagesPerSecond} messages and {@code bytesPerSecond} message
         * bytes per second, each averaged over a second (0 for no limit); past either, {@code action}. Default 1000
         * messages, 4 MiB and {@link InboundRateAction#THROTTLE}.
         */
        public Builder inboundRate(int messagesPerSecond, long bytesPerSecond, InboundRateAction action) {
            return set(MAX_INBOUND_MESSAGES_PER_SECOND, messagesPerSecond)
                    .set(MAX_INBOUND_BYTES_PER_SECOND, bytesPerSecond)
                    .set(INBOUND_RATE_ACTION, action);
        }

        /**
         * Bounds what one client address (an IPv4 address, an IPv6 /64) may do: hold {@code maxConnections} TCP
         * connections open and make {@code handshakesPerSecond} WebSocket upgrades per second after a burst of
         * {@code handshakeBurst}; 0 turns a limit off. A request beyond gets HTTP 429 with {@code Retry-After}.
         * Loopback clients are exempt unless {@link #limitLoopback(boolean)}. Default 256, 20 and 100.
         */
        public Builder perIpLimits(int maxConnections, int handshakesPerSecond, int handshakeBurst) {
            return set(MAX_CONNECTIONS_PER_IP, maxConnections)
                    .set(HANDSHAKE_RATE_PER_IP, handshakesPerSecond)
                    .set(HANDSHAKE_BURST_PER_IP, handshakeBurst);
        }

        /** Whether loopback clients are held to the per-address limits too (default {@code false}: exempt). */
        public Builder limitLoopback(boolean limitLoopback) {
            return set(LIMIT_LOOPBACK, limitLoopback);
        }

        /** In pull mode, new sessions that may wait for {@link TetherServer#accept}. */
        public Builder acceptQueueLimit(int acceptQueueLimit) {
            return set(ACCEPT_QUEUE_LIMIT, acceptQueueLimit);
        }

        /** The number of I/O threads; 0 means one per available processor. */
        public Builder ioThreads(int ioThreads) {
            return set(IO_THREADS, ioThreads);
        }

        /** Whether to use the native epoll transport where available. */
        public Builder nativeTransport(boolean nativeTransport) {
            return set(NATIVE_TRANSPORT, nativeTransport);
        }

        /**
         * The executor for handler callbacks and HTTP endpoints; the caller owns it and shuts it down.
         */
        public Builder workerExecutor(@Nullable Executor workerExecutor) {
            return set(WORKER_EXECUTOR, workerExecutor);
        }

        /** The application's handler; {@code null} (the default) selects pull mode. */
        public Builder handler(@Nullable TetherHandler handler) {
            return set(HANDLER, handler);
        }

        /** Serves static files from this class path folder, e.g. {@code tether/demo}. */
        public Builder staticResources(@Nullable String classpathFolder) {
            return set(STATIC_RESOURCES, classpathFolder);
        }

        /** Serves static files from this folder; checked before the class path folder. */
        public Builder staticDirectory(@Nullable Path directory) {
            return set(STATIC_DIRECTORY, directory);
        }

        /**
         * Mounts a raw WebSocket endpoint on its path, beside the webshocket endpoint on {@link #path(String)};
         * mounting another on the same path replaces it. A path equal to the webshocket path fails {@link #build()}.
         */
        public Builder webSocket(WebSocketEndpoint endpoint) {
            return set(WEB_SOCKET_ENDPOINTS, with(values.get(WEB_SOCKET_ENDPOINTS), endpoint.path(), endpoint));
        }

        /**
         * Serves plain HTTP requests for exactly {@code path} with {@code endpoint}; a path ending in {@code /*}
         * ({@code /sessions/*}) serves every path below it, the longest such prefix winning, an exact path before any.
         */
        public Builder httpEndpoint(String path, HttpEndpoint endpoint) {
            if (!path.startsWith("/")
                    || path.indexOf('*') != path.lastIndexOf('*')
                    || (path.contains("*") && !path.endsWith("/*"))) {
                throw new IllegalArgumentException(
                        "path: " + path + " (expected: starts with '/', and a '*' only as the last segment: /a/*)");
            }
            return set(
                    HTTP_ENDPOINTS,
                    with(values.get(HTTP_ENDPOINTS), path, Objects.requireNonNull(endpoint, "endpoint")));
        }

        /**
         * Closes {@code resource} when the server closes: after every session closed, before the I/O threads stop,
         * on a thread of its own (it may block), in the order added. A resource that fails is logged.
         */
        public Builder closeWith(AutoCloseable resource) {
            List<AutoCloseable> all = new java.util.ArrayList<>(values.get(CLOSE_WITH));
            all.add(Objects.requireNonNull(resource, "resource"));
            return set(CLOSE_WITH, all);
        }

        /** The most channels and patterns one session may subscribe to; 0 or less means no limit. */
        public Builder maxSubscribedChannels(int maxSubscribedChannels) {
            return set(MAX_SUBSCRIBED_CHANNELS, maxSubscribedChannels);
        }

        /** What happens to channel messages for a client that cannot keep up. */
        public Builder slowConsumerPolicy(SlowConsumerPolicy slowConsumerPolicy) {
            return set(SLOW_CONSUMER_POLICY, slowConsumerPolicy);
        }

        /** The broker that carries publications between nodes. */
        public Builder clusterBroker(ClusterBroker clusterBroker) {
            return set(CLUSTER_BROKER, clusterBroker);
        }

        /**
         * Registers the server's meters ({@code tether.*}, listed in docs/operations.md) in {@code registry}, e.g.
         * the application's Spring or Prometheus registry. The meters are removed from it when the server closes.
         * Counting costs a few uncontended adds per message; with no registry and no {@link #metricsEndpoint}, the
         * server counts nothing beyond {@link TetherServer#stats()}.
         */
        public Builder meterRegistry(MeterRegistry registry) {
            return set(METER_REGISTRY, Objects.requireNonNull(registry, "registry"));
        }

        /**
         * Serves {@code GET /metrics} in Prometheus text format (default off): the {@link #meterRegistry} when it is a
         * {@code PrometheusMeterRegistry}, else a registry of the server's own, which then feeds a given
         * {@link #meterRegistry} too. The text is written on a worker thread.
         */
        public Builder metricsEndpoint(boolean metricsEndpoint) {
            return set(METRICS_ENDPOINT, metricsEndpoint);
        }

        /**
         * Serves {@code GET /health/live} and {@code GET /health/ready} (default on): live answers 200
         * {@code {"status":"UP"}} while the server serves; ready answers 200 the same way, or 503 with
         * {@code {"status":"DOWN","reason":"..."}} while the server is closing or its {@link #clusterBroker} is
         * disconnected. {@code GET /health} is served either way.
         */
        public Builder healthEndpoints(boolean healthEndpoints) {
            return set(HEALTH_ENDPOINTS, healthEndpoints);
        }

        /**
         * Each connection's kernel send buffer (SO_SNDBUF), default 0: the system's default, which Linux grows up to
         * {@code net.ipv4.tcp_wmem}'s maximum (4 MiB by default) for a client that does not read. A fixed size
         * bounds the kernel memory a slow client can hold and makes it count as slow sooner (see
         * {@link SlowConsumerPolicy}); it also turns the kernel's autotuning off for those sockets.
         */
        public Builder socketSendBufferBytes(int socketSendBufferBytes) {
            return set(SOCKET_SEND_BUFFER_BYTES, socketSendBufferBytes);
        }

        /**
         * Whether Tether answers RPC requests with its dispatcher. Off, RPC request packets
         * reach {@link TetherHandler#onPacket} like any other packet and the application answers them itself with
         * {@code Packet.rpc(RpcResponse...)}: for gateways that forward calls elsewhere, and for scripted test peers.
         * {@link Rpc} methods of the handler are then refused at {@code build()}.
         */
        public Builder dispatchRpc(boolean dispatchRpc) {
            return set(DISPATCH_RPC, dispatchRpc);
        }

        /**
         * Keeps a history of the channels {@code nameOrPattern} names: at most {@code size} publications, each for
         * {@code ttl}. Every publication on them gets a position (offset and epoch), and a client of Tether's
         * extension that subscribes again after a reconnect gets what it missed, or is told it cannot
         * (docs/cluster.md). History lives in the {@link #clusterBroker} when it keeps one, else in this node's
         * memory. Calling it again for the same name or pattern replaces its policy.
         */
        public Builder history(String nameOrPattern, int size, Duration ttl) {
            ChannelPattern.compile(nameOrPattern); // refuses a malformed pattern
            Map<String, HistoryPolicy> all = new LinkedHashMap<>(values.get(CHANNEL_HISTORY));
            all.put(nameOrPattern, HistoryPolicy.of(size, ttl));
            return set(CHANNEL_HISTORY, all);
        }

        /**
         * Tracks who is present in the channels {@code nameOrPattern} names: every session subscribed to such a
         * channel by its name, with {@link #presenceInfo}; readable with {@link TetherServer#presence} and the
         * built-in {@code presence} RPC method, with join and leave events for clients that ask.
         */
        public Builder presence(String nameOrPattern) {
            ChannelPattern.compile(nameOrPattern);
            List<String> all = new ArrayList<>(values.get(PRESENCE));
            if (!all.contains(nameOrPattern)) {
                all.add(nameOrPattern);
            }
            return set(PRESENCE, all);
        }

        /** How long a presence entry lives without a refresh (default 30 s); nodes refresh every third of it. */
        public Builder presenceTtl(Duration presenceTtl) {
            return set(PRESENCE_TTL, presenceTtl);
        }

        /** What a presence entry tells about its session; {@code null} (the default) tells nothing. */
        public Builder presenceInfo(@Nullable Function<? super Session, ?> presenceInfo) {
            return set(PRESENCE_INFO, presenceInfo);
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
            return set(CLIENT_SUBSCRIPTIONS, allowed);
        }

        /**
         * Lets clients publish with the built-in RPC method {@code publish(channel, data)}, which publishes
         * {@code data} on the channel name as {@link TetherServer#publish(String, Object)} does (every node, history,
         * recovery) and returns the deliveries queued on this node. Each call asks {@code allowed} whether the calling
         * session may publish there; a refusal is answered with an application error {@code Access denied for
         * channel 'NAME'.}. {@link ChannelPermissions#publish()} decides from the session's {@link Identity}. Off by
         * default; the name must not be taken by the handler's own RPC methods.
         */
        public Builder clientPublish(@Nullable BiPredicate<? super Session, String> allowed) {
            return set(CLIENT_PUBLISH, allowed);
        }

        /**
         * Replaces the codec of {@code codec.format()}, for example one with extra Jackson modules for the
         * application's types.
         */
        public Builder packetCodec(PacketCodec codec) {
            return set(codec.format() == WireFormat.MSGPACK ? MSGPACK_CODEC : JSON_CODEC, codec);
        }

        /**
         * The clock every server timer reads: the handshake deadline, keepalive pings and idle timeouts, the close
         * timeout, rate limits (the system clock's timers run on the connection's event loop); tests pass a
         * {@code ManualClock} and move time themselves.
         */
        public Builder clock(Clock clock) {
            return set(CLOCK, clock);
        }

        /**
         * How many RPC calls of one session may run at once; a call beyond it is refused at once
         * with an INTERNAL_SERVER_ERROR reply. Streams count until they end.
         */
        public Builder rpcTaskLimit(int rpcTaskLimit) {
            return set(RPC_TASK_LIMIT, rpcTaskLimit);
        }

        /**
         * How many tasks the worker executor may hold, queued or running, across the server (default 10,000), counted
         * by Tether whichever executor runs them. Past it an RPC call for a worker is refused at once with an
         * INTERNAL_SERVER_ERROR reply {@code Server busy: …; retry later.}, a stream that needs its next items pulled
         * ends with that error, and an HTTP request gets 503. Session callbacks are never refused but count.
         */
        public Builder maxPendingWorkerTasks(int maxPendingWorkerTasks) {
            return set(MAX_PENDING_WORKER_TASKS, maxPendingWorkerTasks);
        }

        /**
         * Names a permission predicate for {@link Rpc#requires()}, e.g.
         * {@code predicate("loggedIn", Predicates.has("user"))}. A name given again replaces the earlier predicate.
         */
        public Builder predicate(String name, Predicate<? super Session> predicate) {
            Checks.notEmpty(name, "name");
            return set(PREDICATES, with(values.get(PREDICATES), name, Objects.requireNonNull(predicate, "predicate")));
        }

        /** The settings collected so far. */
        public ServerConfig config() {
            return new ServerConfig(values.build());
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

        /** {@code map} and {@code key} to {@code value}, in insertion order; the setting stores an immutable copy. */
        private static <V> Map<String, V> with(Map<String, V> map, String key, V value) {
            Map<String, V> copy = new LinkedHashMap<>(map);
            copy.put(key, value);
            return copy;
        }
    }
}
