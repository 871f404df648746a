package dev.tether.server;

import static dev.tether.server.ServerSettings.*;

import dev.tether.core.Clock;
import dev.tether.core.PacketCodec;
import dev.tether.core.Setting;
import dev.tether.core.SettingValues;
import dev.tether.core.WireFormat;
import dev.tether.server.spi.ClusterBroker;
import dev.tether.server.spi.HistoryPolicy;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.BiPredicate;
import java.util.function.Function;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * The immutable settings of a {@link TetherServer}, made by {@link TetherServer#builder()} and copied with
 * {@link #toBuilder()}. Each accessor reads the value of a setting declared in {@link ServerSettings}, which holds
 * its default and allowed values; {@code docs/configuration.md} lists them. Thread-safe.
 */
public final class ServerConfig {
    private final SettingValues values;

    ServerConfig(SettingValues values) {
        this.values = values;
    }

    /** The value of {@code setting}, one of {@link ServerSettings}; the accessors below read the same values. */
    public <T> T get(Setting<T> setting) {
        return values.get(setting);
    }

    /** All the values, by the settings of {@link ServerSettings#ALL}. */
    public SettingValues values() {
        return values;
    }

    /** A builder holding these settings. */
    public TetherServer.Builder toBuilder() {
        return new TetherServer.Builder(values.toBuilder());
    }

    /** The address to bind; {@code 0.0.0.0} binds every interface. */
    public String host() {
        return values.get(HOST);
    }

    /** The port to bind; 0 picks a free one (see {@link TetherServer#port()}). */
    public int port() {
        return values.get(PORT);
    }

    /** The WebSocket path; plain HTTP requests on the same port go to endpoints and static files. */
    public String path() {
        return values.get(PATH);
    }

    /** TLS settings, or {@code null} for plain {@code ws://}. */
    public @Nullable TlsConfig tls() {
        return values.get(TLS);
    }

    /** The most sessions open at once; a handshake beyond it gets HTTP 503. */
    public int maxConnections() {
        return values.get(MAX_CONNECTIONS);
    }

    /** The largest single frame accepted; a larger one closes the session with 1009. */
    public int maxFrameBytes() {
        return values.get(MAX_FRAME_BYTES);
    }

    /** The largest message (all fragments together) accepted; a larger one closes the session with 1009. */
    public int maxMessageBytes() {
        return values.get(MAX_MESSAGE_BYTES);
    }

    /** The largest plain HTTP request (headers and body) accepted; a larger one gets 413 or 431. */
    public int maxHttpRequestBytes() {
        return values.get(MAX_HTTP_REQUEST_BYTES);
    }

    /** How long a new TCP connection may take to complete the WebSocket upgrade before it is dropped. */
    public Duration handshakeTimeout() {
        return values.get(HANDSHAKE_TIMEOUT);
    }

    /** After this long without an inbound frame the server sends a ping; zero disables pings. */
    public Duration pingInterval() {
        return values.get(PING_INTERVAL);
    }

    /** After this long without an inbound frame the session is closed with 1011; zero disables it. */
    public Duration idleTimeout() {
        return values.get(IDLE_TIMEOUT);
    }

    /** How long a close waits for the client's close frame before dropping the connection. */
    public Duration closeTimeout() {
        return values.get(CLOSE_TIMEOUT);
    }

    /** How long a drain waits for sessions to finish their calls and queued output before closing them. */
    public Duration drainTimeout() {
        return values.get(DRAIN_TIMEOUT);
    }

    /** How long {@link TetherServer#close()} waits for sessions to finish their closing handshakes. */
    public Duration shutdownGracePeriod() {
        return values.get(SHUTDOWN_GRACE_PERIOD);
    }

    /** What decides on each upgrade and gives the session its {@link Identity}, or {@code null} for none. */
    public @Nullable Authenticator authenticator() {
        return values.get(AUTHENTICATOR);
    }

    /** The browser origins allowed to connect; empty allows every origin. */
    public Set<String> allowedOrigins() {
        return values.get(ALLOWED_ORIGINS);
    }

    /** Whether permessage-deflate is negotiated with clients that offer it. */
    public boolean perMessageDeflate() {
        return values.get(PER_MESSAGE_DEFLATE);
    }

    /** Whether permessage-deflate is agreed with {@code server_no_context_takeover} whether the client asked or not. */
    public boolean deflateNoContextTakeover() {
        return values.get(DEFLATE_NO_CONTEXT_TAKEOVER);
    }

    /** Messages smaller than this many bytes are not compressed. */
    public int deflateThresholdBytes() {
        return values.get(DEFLATE_THRESHOLD_BYTES);
    }

    /** The largest permessage-deflate window the server compresses with, in bits. */
    public int deflateWindowBits() {
        return values.get(DEFLATE_WINDOW_BITS);
    }

    /** zlib's memLevel for per-session compression. */
    public int deflateMemLevel() {
        return values.get(DEFLATE_MEM_LEVEL);
    }

    /** Whether JSON packets go to generic clients in BINARY frames (the Python server's choice) instead of TEXT. */
    public boolean jsonInBinaryFrames() {
        return values.get(JSON_IN_BINARY_FRAMES);
    }

    /** Below this many queued outbound bytes a session becomes writable again. */
    public int writeBufferLowWaterMarkBytes() {
        return values.get(WRITE_BUFFER_LOW_WATER_MARK_BYTES);
    }

    /** Above this many queued outbound bytes a session reports it is not writable. */
    public int writeBufferHighWaterMarkBytes() {
        return values.get(WRITE_BUFFER_HIGH_WATER_MARK_BYTES);
    }

    /** The hard bound on a session's queued outbound bytes; a send past it is refused. */
    public long maxQueuedBytes() {
        return values.get(MAX_QUEUED_BYTES);
    }

    /** Messages per second one session may send before {@link #inboundRateAction()} applies; 0 for no limit. */
    public int maxInboundMessagesPerSecond() {
        return values.get(MAX_INBOUND_MESSAGES_PER_SECOND);
    }

    /** Message bytes per second one session may send before {@link #inboundRateAction()} applies; 0 for no limit. */
    public long maxInboundBytesPerSecond() {
        return values.get(MAX_INBOUND_BYTES_PER_SECOND);
    }

    /** What a session over its inbound rate gets. */
    public InboundRateAction inboundRateAction() {
        return values.get(INBOUND_RATE_ACTION);
    }

    /** TCP connections one client address may hold open; 0 for no limit. */
    public int maxConnectionsPerIp() {
        return values.get(MAX_CONNECTIONS_PER_IP);
    }

    /** WebSocket upgrades per second one client address may make after its burst; 0 for no limit. */
    public int handshakeRatePerIp() {
        return values.get(HANDSHAKE_RATE_PER_IP);
    }

    /** Upgrades one client address may make at once. */
    public int handshakeBurstPerIp() {
        return values.get(HANDSHAKE_BURST_PER_IP);
    }

    /** Whether the per-address limits apply to loopback clients too. */
    public boolean limitLoopback() {
        return values.get(LIMIT_LOOPBACK);
    }

    /** How many received packets may wait for the application per session before reading pauses. */
    public int maxInboundQueuedPackets() {
        return values.get(MAX_INBOUND_QUEUED_PACKETS);
    }

    /** In pull mode, how many new sessions may wait for {@link TetherServer#accept}; beyond it handshakes get 503. */
    public int acceptQueueLimit() {
        return values.get(ACCEPT_QUEUE_LIMIT);
    }

    /** The number of I/O threads; 0 means one per available processor. */
    public int ioThreads() {
        return values.get(IO_THREADS);
    }

    /** Whether the native epoll transport is used where available (NIO otherwise). */
    public boolean nativeTransport() {
        return values.get(NATIVE_TRANSPORT);
    }

    /** The executor for handler callbacks and HTTP endpoints, or {@code null} for Tether's own. */
    public @Nullable Executor workerExecutor() {
        return values.get(WORKER_EXECUTOR);
    }

    /** The application's handler, or {@code null} for pull mode. */
    public @Nullable TetherHandler handler() {
        return values.get(HANDLER);
    }

    /** The class path folder static files are served from, or {@code null}. */
    public @Nullable String staticResources() {
        return values.get(STATIC_RESOURCES);
    }

    /** The file system folder static files are served from, or {@code null}. */
    public @Nullable Path staticDirectory() {
        return values.get(STATIC_DIRECTORY);
    }

    /** The most channels and patterns one session may subscribe to; 0 or less means no limit. */
    public int maxSubscribedChannels() {
        return values.get(MAX_SUBSCRIBED_CHANNELS);
    }

    /** The slow-consumer policy of subscriptions that do not choose one. */
    public SlowConsumerPolicy slowConsumerPolicy() {
        return values.get(SLOW_CONSUMER_POLICY);
    }

    /** The broker that carries publications to the other nodes of a cluster. */
    public ClusterBroker clusterBroker() {
        return values.get(CLUSTER_BROKER);
    }

    /** The channels that keep a history, by name or pattern, in the order they were added. */
    public Map<String, HistoryPolicy> history() {
        return values.get(CHANNEL_HISTORY);
    }

    /** The channels, by name or pattern, whose subscribers are tracked as present. */
    public List<String> presence() {
        return values.get(PRESENCE);
    }

    /** How long a presence entry lives without a refresh. */
    public Duration presenceTtl() {
        return values.get(PRESENCE_TTL);
    }

    /** What a presence entry tells about its session, or {@code null} for nothing. */
    public @Nullable Function<? super Session, ?> presenceInfo() {
        return values.get(PRESENCE_INFO);
    }

    /** Who may subscribe with the built-in {@code subscribe} RPC method, or {@code null} when it is off. */
    public @Nullable BiPredicate<? super Session, String> clientSubscriptions() {
        return values.get(CLIENT_SUBSCRIPTIONS);
    }

    /** Who may publish with the built-in {@code publish} RPC method, or {@code null} when it is off. */
    public @Nullable BiPredicate<? super Session, String> clientPublish() {
        return values.get(CLIENT_PUBLISH);
    }

    /** Each connection's kernel send buffer (SO_SNDBUF) in bytes, or 0 for the system's default and autotuning. */
    public int socketSendBufferBytes() {
        return values.get(SOCKET_SEND_BUFFER_BYTES);
    }

    /** Whether Tether answers RPC requests with its dispatcher, or hands them to the handler as packets. */
    public boolean dispatchRpc() {
        return values.get(DISPATCH_RPC);
    }

    /** The registry the server's meters are registered in, or {@code null} for none (see {@link #metricsEndpoint}). */
    public @Nullable MeterRegistry meterRegistry() {
        return values.get(METER_REGISTRY);
    }

    /** Whether the server serves {@code GET /metrics} in Prometheus text format. */
    public boolean metricsEndpoint() {
        return values.get(METRICS_ENDPOINT);
    }

    /** Whether the server serves {@code GET /health/live} and {@code GET /health/ready}. */
    public boolean healthEndpoints() {
        return values.get(HEALTH_ENDPOINTS);
    }

    /** The codec of {@code format}. */
    public PacketCodec codec(WireFormat format) {
        return values.get(format == WireFormat.MSGPACK ? MSGPACK_CODEC : JSON_CODEC);
    }

    /** The raw WebSocket endpoints by path; see {@link WebSocketEndpoint}. */
    public Map<String, WebSocketEndpoint> webSocketEndpoints() {
        return values.get(WEB_SOCKET_ENDPOINTS);
    }

    /** What the server closes after its sessions, in order. */
    public List<AutoCloseable> closeWith() {
        return values.get(CLOSE_WITH);
    }

    /** The HTTP endpoints by path: exact paths, and prefixes written as {@code /a/*}. */
    public Map<String, HttpEndpoint> httpEndpoints() {
        return values.get(HTTP_ENDPOINTS);
    }

    /** The clock rate-limit windows and token buckets read. */
    public Clock clock() {
        return values.get(CLOCK);
    }

    /** How many RPC calls of one session may run at once; beyond it a call is refused with an error reply. */
    public int rpcTaskLimit() {
        return values.get(RPC_TASK_LIMIT);
    }

    /** How many worker tasks may be queued or running across the server before refusable work is refused. */
    public int maxPendingWorkerTasks() {
        return values.get(MAX_PENDING_WORKER_TASKS);
    }

    /** The permission predicates by name, for {@link Rpc#requires()}. */
    public Map<String, Predicate<? super Session>> predicates() {
        return values.get(PREDICATES);
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof ServerConfig other && other.values.equals(values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        return "ServerConfig" + values;
    }
}
