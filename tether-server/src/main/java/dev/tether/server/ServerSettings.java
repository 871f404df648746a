package dev.tether.server;

import dev.tether.core.Clock;
import dev.tether.core.PacketCodec;
import dev.tether.core.PacketCodecs;
import dev.tether.core.Setting;
import dev.tether.core.SettingRule;
import dev.tether.core.SettingTable;
import dev.tether.server.spi.ClusterBroker;
import dev.tether.server.spi.HistoryPolicy;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.BiPredicate;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Every setting of a {@link TetherServer}, declared once: name, type, default, allowed values, documentation and
 * command-line option. {@link TetherServer.Builder}'s setters and {@link ServerConfig}'s accessors are one-line
 * methods over these; the {@code tether serve} options and the table in {@code docs/configuration.md} are made from
 * {@link #ALL}. To add a setting, declare it here (in the order the reference lists it), then add its builder
 * method and accessor.
 */
public final class ServerSettings {
    private static final SettingTable.Builder TABLE = SettingTable.builder();

    public static final Setting<String> HOST = TABLE.add(Setting.ofString("host", "0.0.0.0")
            .notEmpty()
            .option("--host")
            .doc("The address to bind; `0.0.0.0` binds every interface."));

    public static final Setting<Integer> PORT = TABLE.add(Setting.ofInt("port", 8765)
            .range(0, 65_535)
            .option("--port")
            .doc("The port to bind; `0` picks a free port, readable with `server.port()` after `start()`."));

    public static final Setting<String> PATH = TABLE.add(Setting.ofString("path", "/")
            .check(p -> p.startsWith("/"), "starts with '/'")
            .option()
            .doc("The WebSocket path; an upgrade to another path gets 404, plain HTTP goes to endpoints and static"
                    + " files."));

    public static final Setting<TlsConfig> TLS = TABLE.add(Setting.<TlsConfig>of("tls", "TlsConfig", null)
            .nullable()
            .defaultText("none (`ws://`)")
            .doc("Serves `wss://` with these keys: `TlsConfig.pem(certChain, privateKey[, password])` or"
                    + " `TlsConfig.keyStore(keyStore, password)`."));

    public static final Setting<TetherHandler> HANDLER =
            TABLE.add(Setting.<TetherHandler>of("handler", "TetherHandler", null)
                    .nullable()
                    .doc("The application's callbacks; without one the server is in pull mode (`accept()`,"
                            + " `session.recv(timeout)`)."));

    public static final Setting<Integer> MAX_CONNECTIONS = TABLE.add(Setting.ofInt("maxConnections", Integer.MAX_VALUE)
            .range(1, Integer.MAX_VALUE)
            .defaultText("unlimited")
            .option()
            .doc("The most sessions open at once; a handshake beyond it gets HTTP 503 `Server is full, try again"
                    + " later.`"));

    public static final Setting<Integer> MAX_FRAME_BYTES = TABLE.add(Setting.ofInt("maxFrameBytes", 4 << 20)
            .range(126, Integer.MAX_VALUE)
            .bytes()
            .option()
            .doc("The largest single frame accepted; a larger one closes the session with 1009."));

    public static final Setting<Integer> MAX_MESSAGE_BYTES = TABLE.add(Setting.ofInt("maxMessageBytes", 4 << 20)
            .range(126, Integer.MAX_VALUE)
            .bytes()
            .option()
            .doc("The largest message (all fragments together) accepted; a larger one closes the session with 1009."
                    + " Also caps permessage-deflate inflation."));

    public static final Setting<Integer> MAX_HTTP_REQUEST_BYTES = TABLE.add(Setting.ofInt(
                    "maxHttpRequestBytes", 64 << 10)
            .range(1024, Integer.MAX_VALUE)
            .bytes()
            .option()
            .doc("The largest plain HTTP request (headers and body) accepted; a larger one gets 413 (body) or 431"
                    + " (headers)."));

    public static final Setting<Duration> HANDSHAKE_TIMEOUT = TABLE.add(Setting.ofDuration(
                    "handshakeTimeout", Duration.ofSeconds(10))
            .positive()
            .option()
            .doc("A new connection must complete an HTTP request or the upgrade within this, counted from connect or"
                    + " from its previous response; otherwise it is closed."));

    public static final Setting<Integer> MAX_CONNECTIONS_PER_IP = TABLE.add(
            Setting.ofInt("maxConnectionsPerIp", 256)
                    .range(0, Integer.MAX_VALUE)
                    .defaultText("256 (0 = no limit)")
                    .option()
                    .doc(
                            "TCP connections one client address (an IPv4 address, an IPv6 /64) may hold open; a request on a"
                                    + " connection beyond it gets HTTP 429 with `Retry-After` ([operations](operations.md#abuse-limits))."));

    public static final Setting<Integer> HANDSHAKE_RATE_PER_IP = TABLE.add(Setting.ofInt("handshakeRatePerIp", 20)
            .range(0, Integer.MAX_VALUE)
            .defaultText("20 per second (0 = no limit)")
            .option()
            .doc("WebSocket upgrades per second one client address may make once its burst is spent; one beyond gets"
                    + " HTTP 429 with `Retry-After`."));

    public static final Setting<Integer> HANDSHAKE_BURST_PER_IP = TABLE.add(Setting.ofInt("handshakeBurstPerIp", 100)
            .range(1, Integer.MAX_VALUE)
            .option()
            .doc("Upgrades one client address may make at once, before `handshakeRatePerIp` paces it (a NAT of many"
                    + " browsers reconnecting after a restart)."));

    public static final Setting<Boolean> LIMIT_LOOPBACK = TABLE.add(Setting.ofBoolean("limitLoopback", false)
            .option()
            .doc("Applies the per-address limits to loopback clients too; off, they are exempt (tests, benchmarks and"
                    + " a reverse proxy on the same host)."));

    public static final Setting<Duration> PING_INTERVAL =
            TABLE.add(Setting.ofDuration("pingInterval", Duration.ofSeconds(30))
                    .notNegative()
                    .option()
                    .doc("After this long without an inbound frame the server sends a ping; `0` disables pings."));

    public static final Setting<Duration> IDLE_TIMEOUT = TABLE.add(Setting.ofDuration(
                    "idleTimeout", Duration.ofSeconds(60))
            .notNegative()
            .option()
            .doc("After this long without an inbound frame (pongs count) the session is closed with 1011 `keepalive"
                    + " ping timeout`; `0` disables it."));

    public static final Setting<Duration> CLOSE_TIMEOUT =
            TABLE.add(Setting.ofDuration("closeTimeout", Duration.ofSeconds(2))
                    .positive()
                    .option()
                    .doc("How long a close waits for the client's close frame before dropping the TCP connection."));

    public static final Setting<Duration> SHUTDOWN_GRACE_PERIOD =
            TABLE.add(Setting.ofDuration("shutdownGracePeriod", Duration.ofSeconds(5))
                    .notNegative()
                    .option()
                    .doc("How long `close()` waits for sessions to finish their closing handshakes."));

    public static final Setting<Duration> DRAIN_TIMEOUT =
            TABLE.add(Setting.ofDuration("drainTimeout", Duration.ofSeconds(10))
                    .notNegative()
                    .option()
                    .doc("How long a drain (`drain()`, and SIGTERM in `tether serve`) waits for sessions to finish"
                            + " their calls and queued output before closing them."));

    public static final Setting<Authenticator> AUTHENTICATOR =
            TABLE.add(Setting.<Authenticator>of("authenticator", "Authenticator", null)
                    .nullable()
                    .defaultText("none (every client is anonymous)")
                    .doc("Decides on each WebSocket upgrade, on a worker thread and before any session exists,"
                            + " whether it opens a session and with which `Identity`; a refusal is the HTTP response"
                            + " to the upgrade. Raw endpoints use it too unless they set their own"
                            + " ([security](security.md))."));

    public static final Setting<Set<String>> ALLOWED_ORIGINS = TABLE.add(
            Setting.<Set<String>>of("allowedOrigins", "Set<String>", Set.of())
                    .copy(Set::copyOf)
                    .defaultText("all")
                    .doc(
                            "Browser origins allowed to connect, e.g. `https://app.example.com`; another `Origin` (compared without"
                                    + " regard to case) gets 403. Requests without `Origin` (non-browser clients) are allowed. Empty allows every origin."));

    public static final Setting<Boolean> PER_MESSAGE_DEFLATE = TABLE.add(Setting.ofBoolean("perMessageDeflate", false)
            .option()
            .doc("Negotiates permessage-deflate with clients that offer it; costs a zlib context per session (see"
                    + " `deflateWindowBits`)."));

    public static final Setting<Boolean> DEFLATE_NO_CONTEXT_TAKEOVER = TABLE.add(Setting.ofBoolean(
                    "deflateNoContextTakeover", true)
            .option()
            .doc("Agrees permessage-deflate with `server_no_context_takeover` even when the client did not ask for"
                    + " it: every message is compressed on its own, so a publication is compressed once for all its"
                    + " subscribers and a session keeps no compressor between messages; a session's own similar"
                    + " messages compress less well than with the window kept ([channels](channels.md#compression))."));

    public static final Setting<Integer> DEFLATE_THRESHOLD_BYTES = TABLE.add(Setting.ofInt("deflateThresholdBytes", 256)
            .range(0, Integer.MAX_VALUE)
            .bytes()
            .option()
            .doc("Messages smaller than this go out uncompressed (RSV1 clear) on permessage-deflate sessions: a"
                    + " short packet compressed on its own saves a few bytes for a compressor's setup and run."));

    public static final Setting<Integer> DEFLATE_WINDOW_BITS = TABLE.add(Setting.ofInt("deflateWindowBits", 15)
            .range(9, 15)
            .option()
            .doc("The server's permessage-deflate window (`server_max_window_bits`; a client may ask for less): zlib's"
                    + " compressor takes (1 << (bits + 2)) + (1 << (memLevel + 9)) bytes, 256 KiB at 15 and memLevel"
                    + " 8, held between messages only without `deflateNoContextTakeover`. Under 15, compression is per"
                    + " session (JZlib), never shared."));

    public static final Setting<Integer> DEFLATE_MEM_LEVEL = TABLE.add(
            Setting.ofInt("deflateMemLevel", 8)
                    .range(1, 9)
                    .option()
                    .doc(
                            "zlib's memLevel for per-session permessage-deflate compression: (1 << (memLevel + 9)) bytes of hash"
                                    + " and buffer, 128 KiB at 8; any other than 8 compresses with JZlib, and under 8 costs ratio and speed."));

    public static final Setting<Boolean> JSON_IN_BINARY_FRAMES = TABLE.add(Setting.ofBoolean(
                    "jsonInBinaryFrames", false)
            .option()
            .doc("Sends JSON to generic clients in BINARY frames, as the Python server does; TEXT frames otherwise."));

    public static final Setting<Integer> WRITE_BUFFER_LOW_WATER_MARK_BYTES = TABLE.add(Setting.ofInt(
                    "writeBufferLowWaterMarkBytes", 512 << 10)
            .range(0, Integer.MAX_VALUE)
            .bytes()
            .option()
            .doc("Below this many queued outbound bytes a session becomes writable again (`isWritable()`); set with"
                    + " `writeBufferWaterMarks(low, high)`."));

    public static final Setting<Integer> WRITE_BUFFER_HIGH_WATER_MARK_BYTES =
            TABLE.add(Setting.ofInt("writeBufferHighWaterMarkBytes", 1 << 20)
                    .range(1, Integer.MAX_VALUE)
                    .bytes()
                    .option()
                    .doc("Above this many queued outbound bytes a session reports it is not writable; set with"
                            + " `writeBufferWaterMarks(low, high)`."));

    public static final Setting<Integer> SOCKET_SEND_BUFFER_BYTES = TABLE.add(Setting.ofInt("socketSendBufferBytes", 0)
            .range(0, Integer.MAX_VALUE)
            .bytes()
            .defaultText("0 (system default, autotuned)")
            .option()
            .doc("Each connection's kernel send buffer (SO_SNDBUF); Linux otherwise grows it up to 4 MiB for a"
                    + " client that does not read. A fixed size bounds that kernel memory and makes slow readers"
                    + " count as slow sooner."));

    public static final Setting<Long> MAX_QUEUED_BYTES = TABLE.add(Setting.ofLong("maxQueuedBytes", 4 << 20)
            .range(1, Long.MAX_VALUE)
            .bytes()
            .option()
            .doc("The bound on what waits for one session (queued sends and Netty's buffer): a send that would pass"
                    + " it while others wait is refused (`send` returns `false`); a packet is always taken when nothing"
                    + " waits, however large."));

    public static final Setting<Integer> MAX_INBOUND_QUEUED_PACKETS =
            TABLE.add(Setting.ofInt("maxInboundQueuedPackets", 256)
                    .range(1, Integer.MAX_VALUE)
                    .option()
                    .doc("Packets of one session waiting for the application before reading pauses."));

    public static final Setting<Integer> MAX_INBOUND_MESSAGES_PER_SECOND = TABLE.add(Setting.ofInt(
                    "maxInboundMessagesPerSecond", 1000)
            .range(0, Integer.MAX_VALUE)
            .defaultText("1000 (0 = no limit)")
            .option()
            .doc("Messages one session may send per second, averaged over a second (a burst of this many passes); past"
                    + " it `inboundRateAction` applies ([operations](operations.md#abuse-limits))."));

    public static final Setting<Long> MAX_INBOUND_BYTES_PER_SECOND = TABLE.add(Setting.ofLong(
                    "maxInboundBytesPerSecond", 4L << 20)
            .range(0, Long.MAX_VALUE)
            .bytes()
            .defaultText("4 MiB (0 = no limit)")
            .option()
            .doc("Message bytes (after inflation) one session may send per second, averaged over a second; past it"
                    + " `inboundRateAction` applies."));

    public static final Setting<InboundRateAction> INBOUND_RATE_ACTION = TABLE.add(Setting.ofEnum(
                    "inboundRateAction", InboundRateAction.class, InboundRateAction.THROTTLE)
            .option()
            .doc("What a session over its inbound rate gets: `THROTTLE` (reading pauses until it is within its rate"
                    + " again; nothing is lost) or `CLOSE` (1008 `Message rate exceeded`)."));

    public static final Setting<Integer> ACCEPT_QUEUE_LIMIT = TABLE.add(Setting.ofInt("acceptQueueLimit", 1024)
            .range(1, Integer.MAX_VALUE)
            .doc("Pull mode: new sessions waiting for `accept()` before handshakes get 503."));

    public static final Setting<Integer> IO_THREADS = TABLE.add(Setting.ofInt("ioThreads", 0)
            .range(0, 1024)
            .defaultText("0 = one per core")
            .option()
            .doc("The number of I/O threads; `0` means one per available processor."));

    public static final Setting<Boolean> NATIVE_TRANSPORT = TABLE.add(Setting.ofBoolean("nativeTransport", true)
            .option()
            .doc("Uses epoll on Linux when its native library loads, NIO otherwise."));

    public static final Setting<Executor> WORKER_EXECUTOR = TABLE.add(Setting.<Executor>of(
                    "workerExecutor", "Executor", null)
            .nullable()
            .defaultText("virtual threads (Java 21+) or a pool of `max(16, 8 × cores)`")
            .doc("Where handler callbacks and HTTP endpoints run; an executor you pass is yours to shut down."));

    public static final Setting<Clock> CLOCK = TABLE.add(Setting.of("clock", "Clock", Clock.system())
            .defaultText("`Clock.system()`")
            .doc("The time every server timer reads: the handshake deadline, keepalive pings and idle timeouts, the"
                    + " close timeout, rate-limit windows and token buckets; tests pass a `ManualClock` to move time by"
                    + " hand."));

    public static final Setting<Integer> RPC_TASK_LIMIT = TABLE.add(Setting.ofInt("rpcTaskLimit", 1024)
            .range(1, Integer.MAX_VALUE)
            .option()
            .doc("RPC calls of one session running at once (a stream counts until it ends); a call beyond is refused"
                    + " at once with `-32603` `Too many concurrent RPC calls on this connection (limit N).`"));

    public static final Setting<Integer> MAX_PENDING_WORKER_TASKS = TABLE.add(Setting.ofInt(
                    "maxPendingWorkerTasks", 10_000)
            .range(1, Integer.MAX_VALUE)
            .option()
            .doc("Worker tasks queued or running across the server, counted whatever the executor; past it an RPC"
                    + " call for a worker is refused at once with `-32603` `Server busy: too many pending worker tasks"
                    + " (limit N); retry later.`, a stream needing more items ends with that error, and an HTTP"
                    + " request gets 503 ([concurrency](concurrency.md#threads))."));

    public static final Setting<Map<String, Predicate<? super Session>>> PREDICATES = TABLE.add(
            Setting.<Map<String, Predicate<? super Session>>>of("predicates", "Map<String, Predicate>", Map.of())
                    .copy(ServerSettings::orderedCopy)
                    .defaultText("none")
                    .doc(
                            "Named permission predicates for `@Rpc(requires = \"name\")`, added one by one with"
                                    + " `predicate(name, predicate)`, e.g. `predicate(\"loggedIn\", Predicates.has(\"user\"))`."));

    public static final Setting<String> STATIC_RESOURCES =
            TABLE.add(Setting.<String>of("staticResources", "String", null)
                    .nullable()
                    .doc("Serves static files from this class path folder (e.g. `tether/demo`)."));

    public static final Setting<Path> STATIC_DIRECTORY = TABLE.add(Setting.<Path>of("staticDirectory", "Path", null)
            .nullable()
            .doc("Serves static files from this folder (checked before the class path folder)."));

    public static final Setting<List<AutoCloseable>> CLOSE_WITH = TABLE.add(Setting.<List<AutoCloseable>>of(
                    "closeWith", "List<AutoCloseable>", List.of())
            .copy(List::copyOf)
            .defaultText("none")
            .doc("Closed, in order, when the server closes, once its sessions closed and before its threads stop (a"
                    + " module's own resources, e.g. a WebRTC signaling handler); added one by one with"
                    + " `closeWith(resource)`. A failure is logged."));

    public static final Setting<Map<String, HttpEndpoint>> HTTP_ENDPOINTS =
            TABLE.add(Setting.<Map<String, HttpEndpoint>>of("httpEndpoints", "Map<String, HttpEndpoint>", Map.of())
                    .copy(ServerSettings::orderedCopy)
                    .defaultText("none")
                    .doc("Answers plain HTTP requests to exactly a path, or to every path below one ending in `/*`,"
                            + " added one by one with `httpEndpoint(path, endpoint)`."));

    public static final Setting<Map<String, WebSocketEndpoint>> WEB_SOCKET_ENDPOINTS = TABLE.add(
            Setting.<Map<String, WebSocketEndpoint>>of("webSocketEndpoints", "Map<String, WebSocketEndpoint>", Map.of())
                    .copy(ServerSettings::orderedCopy)
                    .defaultText("none")
                    .doc("Raw WebSocket endpoints beside webshocket.v1 on the same port, added one by one with"
                            + " `webSocket(endpoint)`, each on its own path with its own limits (see"
                            + " [endpoints.md](endpoints.md))."));

    public static final Setting<Integer> MAX_SUBSCRIBED_CHANNELS = TABLE.add(Setting.ofInt("maxSubscribedChannels", 5)
            .option()
            .doc("Channel names and patterns one session may subscribe to; 0 or negative means no limit."));

    public static final Setting<SlowConsumerPolicy> SLOW_CONSUMER_POLICY = TABLE.add(Setting.ofEnum(
                    "slowConsumerPolicy", SlowConsumerPolicy.class, SlowConsumerPolicy.DISCONNECT)
            .option()
            .doc("What happens to channel messages for a client that cannot keep up, unless its subscription chose"
                    + " otherwise ([channels](channels.md))."));

    public static final Setting<BiPredicate<? super Session, String>> CLIENT_SUBSCRIPTIONS =
            TABLE.add(Setting.<BiPredicate<? super Session, String>>of(
                            "clientSubscriptions", "BiPredicate<Session, String>", null)
                    .nullable()
                    .defaultText("off")
                    .doc("Registers the built-in RPC methods `subscribe(name)` and `unsubscribe(name)` for clients"
                            + " that cannot run server code; the predicate decides per session and name (refusal:"
                            + " application error `Access denied for channel 'NAME'.`) ([channels](channels.md))."));

    public static final Setting<BiPredicate<? super Session, String>> CLIENT_PUBLISH = TABLE.add(
            Setting.<BiPredicate<? super Session, String>>of("clientPublish", "BiPredicate<Session, String>", null)
                    .nullable()
                    .defaultText("off")
                    .doc("Registers the built-in RPC method `publish(channel, data)`, by which clients publish to a"
                            + " channel name; the predicate decides per session and channel (refusal: application"
                            + " error `Access denied for channel 'NAME'.`), e.g. `ChannelPermissions.publish()`"
                            + " ([channels](channels.md))."));

    public static final Setting<Map<String, HistoryPolicy>> CHANNEL_HISTORY =
            TABLE.add(Setting.<Map<String, HistoryPolicy>>of("history", "Map<String, HistoryPolicy>", Map.of())
                    .copy(m -> Collections.unmodifiableMap(new LinkedHashMap<>(m)))
                    .defaultText("none")
                    .doc(
                            "Channels that keep a history, by name or pattern, added with `history(nameOrPattern, size, ttl)`:"
                                    + " every publication gets a position, and clients of the extension recover what they missed"
                                    + " after a reconnect. An exact name wins over patterns, then the first pattern added"
                                    + " ([cluster](cluster.md))."));

    public static final Setting<List<String>> PRESENCE = TABLE.add(Setting.<List<String>>of(
                    "presence", "List<String>", List.of())
            .copy(List::copyOf)
            .defaultText("none")
            .doc("Channels, by name or pattern, whose subscribers by name are tracked as present (session id and"
                    + " `presenceInfo`), across nodes ([cluster](cluster.md))."));

    public static final Setting<Duration> PRESENCE_TTL = TABLE.add(Setting.ofDuration(
                    "presenceTtl", Duration.ofSeconds(30))
            .positive()
            .option()
            .doc("How long a presence entry lives without a refresh; each node refreshes its entries every third of"
                    + " it, so the entries of a node that died disappear within this."));

    public static final Setting<Function<? super Session, ?>> PRESENCE_INFO =
            TABLE.add(Setting.<Function<? super Session, ?>>of("presenceInfo", "Function<Session, Object>", null)
                    .nullable()
                    .defaultText("none (`info` is null)")
                    .doc("What a presence entry tells about its session, e.g. `session ->"
                            + " session.attributes().get(\"user\")`; any value the codecs can write."));

    public static final Setting<Boolean> DISPATCH_RPC = TABLE.add(Setting.ofBoolean("dispatchRpc", true)
            .doc("Off, RPC request packets reach `onPacket` like any other packet and the application answers them"
                    + " (gateways, scripted test peers); `@Rpc` methods are then refused at `build()`."));

    public static final Setting<ClusterBroker> CLUSTER_BROKER =
            TABLE.add(Setting.of("clusterBroker", "ClusterBroker", ClusterBroker.local())
                    .defaultText("`ClusterBroker.local()`")
                    .doc("Carries publications to the other nodes of a cluster."));

    public static final Setting<PacketCodec> MSGPACK_CODEC =
            TABLE.add(Setting.of("msgpackCodec", "PacketCodec", PacketCodecs.msgpack())
                    .defaultText("`PacketCodecs.msgpack()`")
                    .doc("The MessagePack codec, e.g. one with Jackson modules for the application's types; set with"
                            + " `packetCodec(codec)`, read with `codec(WireFormat.MSGPACK)`."));

    public static final Setting<PacketCodec> JSON_CODEC =
            TABLE.add(Setting.of("jsonCodec", "PacketCodec", PacketCodecs.json())
                    .defaultText("`PacketCodecs.json()`")
                    .doc("The JSON codec; set with `packetCodec(codec)`, read with `codec(WireFormat.JSON)`."));

    public static final Setting<MeterRegistry> METER_REGISTRY =
            TABLE.add(Setting.<MeterRegistry>of("meterRegistry", "MeterRegistry", null)
                    .nullable()
                    .defaultText("none")
                    .doc("The Micrometer registry the server's meters (`tether.*`) are registered in: connections,"
                            + " messages and bytes per protocol, RPC calls with their latency, channels, slow"
                            + " consumers, the worker queue and the cluster broker ([operations](operations.md)). With"
                            + " none and `metricsEndpoint` off, nothing is counted beyond `server.stats()`."));

    public static final Setting<Boolean> METRICS_ENDPOINT = TABLE.add(Setting.ofBoolean("metricsEndpoint", false)
            .option()
            .doc("Serves `GET /metrics` in Prometheus text format: from `meterRegistry` when it is a"
                    + " `PrometheusMeterRegistry`, else from a registry of the server's own (which feeds a given"
                    + " `meterRegistry` too)."));

    public static final Setting<Boolean> HEALTH_ENDPOINTS = TABLE.add(Setting.ofBoolean("healthEndpoints", true)
            .option()
            .doc("Serves `GET /health/live` (200 while the process serves) and `GET /health/ready` (200, or 503 with"
                    + " the reason while the server closes or its cluster broker is disconnected); `GET /health` is"
                    + " served either way."));

    public static final SettingTable ALL = TABLE.rule(
                    SettingRule.atMost(WRITE_BUFFER_LOW_WATER_MARK_BYTES, WRITE_BUFFER_HIGH_WATER_MARK_BYTES))
            .rule(SettingRule.atMost(MAX_FRAME_BYTES, MAX_MESSAGE_BYTES))
            .rule(SettingRule.atLeast(MAX_QUEUED_BYTES, WRITE_BUFFER_HIGH_WATER_MARK_BYTES))
            .build();

    private ServerSettings() {}

    /** An immutable copy of {@code map} that keeps its order (which {@code Map.copyOf} does not). */
    private static <V> Map<String, V> orderedCopy(Map<String, V> map) {
        return Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }
}
