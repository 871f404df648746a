package dev.tether.server;

import dev.tether.core.Clock;
import dev.tether.core.PacketCodec;
import dev.tether.core.WireFormat;
import dev.tether.server.spi.ClusterBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.BiPredicate;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * The immutable settings of a {@link TetherServer}, made by {@link TetherServer#builder()} and copied with
 * {@link #toBuilder()}. {@code docs/configuration.md} describes every setting and its default.
 */
public final class ServerConfig {
    final String host;
    final int port;
    final String path;
    final @Nullable TlsConfig tls;
    final int maxConnections;
    final int maxFrameBytes;
    final int maxMessageBytes;
    final int maxHttpRequestBytes;
    final Duration handshakeTimeout;
    final Duration pingInterval;
    final Duration idleTimeout;
    final Duration closeTimeout;
    final Duration shutdownGracePeriod;
    final Set<String> allowedOrigins;
    final boolean perMessageDeflate;
    final boolean jsonInBinaryFrames;
    final int writeBufferLowWaterMarkBytes;
    final int writeBufferHighWaterMarkBytes;
    final long maxQueuedBytes;
    final int maxInboundQueuedPackets;
    final int acceptQueueLimit;
    final int ioThreads;
    final boolean nativeTransport;
    final @Nullable Executor workerExecutor;
    final @Nullable TetherHandler handler;
    final @Nullable String staticResources;
    final @Nullable Path staticDirectory;
    final Map<String, HttpEndpoint> httpEndpoints;
    final int maxSubscribedChannels;
    final SlowConsumerPolicy slowConsumerPolicy;
    final ClusterBroker clusterBroker;
    final boolean dispatchRpc;
    final int socketSendBufferBytes;
    final @Nullable BiPredicate<? super Session, String> clientSubscriptions;
    final PacketCodec msgpackCodec;
    final PacketCodec jsonCodec;
    final Clock clock;
    final int rpcTaskLimit;
    final int maxPendingWorkerTasks;
    final Map<String, Predicate<? super Session>> predicates;

    ServerConfig(TetherServer.Builder b) {
        host = b.host;
        port = b.port;
        path = b.path;
        tls = b.tls;
        maxConnections = b.maxConnections;
        maxFrameBytes = b.maxFrameBytes;
        maxMessageBytes = b.maxMessageBytes;
        maxHttpRequestBytes = b.maxHttpRequestBytes;
        handshakeTimeout = b.handshakeTimeout;
        pingInterval = b.pingInterval;
        idleTimeout = b.idleTimeout;
        closeTimeout = b.closeTimeout;
        shutdownGracePeriod = b.shutdownGracePeriod;
        allowedOrigins = Set.copyOf(b.allowedOrigins);
        perMessageDeflate = b.perMessageDeflate;
        jsonInBinaryFrames = b.jsonInBinaryFrames;
        writeBufferLowWaterMarkBytes = b.writeBufferLowWaterMarkBytes;
        writeBufferHighWaterMarkBytes = b.writeBufferHighWaterMarkBytes;
        maxQueuedBytes = b.maxQueuedBytes;
        maxInboundQueuedPackets = b.maxInboundQueuedPackets;
        acceptQueueLimit = b.acceptQueueLimit;
        ioThreads = b.ioThreads;
        nativeTransport = b.nativeTransport;
        workerExecutor = b.workerExecutor;
        handler = b.handler;
        staticResources = b.staticResources;
        staticDirectory = b.staticDirectory;
        httpEndpoints = Map.copyOf(b.httpEndpoints);
        maxSubscribedChannels = b.maxSubscribedChannels;
        slowConsumerPolicy = b.slowConsumerPolicy;
        clusterBroker = b.clusterBroker;
        dispatchRpc = b.dispatchRpc;
        socketSendBufferBytes = b.socketSendBufferBytes;
        clientSubscriptions = b.clientSubscriptions;
        msgpackCodec = b.msgpackCodec;
        jsonCodec = b.jsonCodec;
        clock = b.clock;
        rpcTaskLimit = b.rpcTaskLimit;
        maxPendingWorkerTasks = b.maxPendingWorkerTasks;
        predicates = Map.copyOf(b.predicates);
        if (writeBufferLowWaterMarkBytes > writeBufferHighWaterMarkBytes) {
            throw new IllegalArgumentException("writeBufferLowWaterMarkBytes: " + writeBufferLowWaterMarkBytes
                    + " (expected: <= writeBufferHighWaterMarkBytes " + writeBufferHighWaterMarkBytes + ")");
        }
        if (maxFrameBytes > maxMessageBytes) {
            throw new IllegalArgumentException(
                    "maxFrameBytes: " + maxFrameBytes + " (expected: <= maxMessageBytes " + maxMessageBytes + ")");
        }
        if (maxQueuedBytes < writeBufferHighWaterMarkBytes) {
            throw new IllegalArgumentException("maxQueuedBytes: " + maxQueuedBytes
                    + " (expected: >= writeBufferHighWaterMarkBytes " + writeBufferHighWaterMarkBytes + ")");
        }
    }

    /** A builder holding these settings. */
    public TetherServer.Builder toBuilder() {
        return new TetherServer.Builder(this);
    }

    /** The address to bind; {@code 0.0.0.0} binds every interface. */
    public String host() {
        return host;
    }

    /** The port to bind; 0 picks a free one (see {@link TetherServer#port()}). */
    public int port() {
        return port;
    }

    /** The WebSocket path; plain HTTP requests on the same port go to endpoints and static files. */
    public String path() {
        return path;
    }

    /** TLS settings, or {@code null} for plain {@code ws://}. */
    public @Nullable TlsConfig tls() {
        return tls;
    }

    /** The most sessions open at once; a handshake beyond it gets HTTP 503. */
    public int maxConnections() {
        return maxConnections;
    }

    /** The largest single frame accepted; a larger one closes the session with 1009. */
    public int maxFrameBytes() {
        return maxFrameBytes;
    }

    /** The largest message (all fragments together) accepted; a larger one closes the session with 1009. */
    public int maxMessageBytes() {
        return maxMessageBytes;
    }

    /** The largest plain HTTP request (headers and body) accepted; a larger one gets 413 or 431. */
    public int maxHttpRequestBytes() {
        return maxHttpRequestBytes;
    }

    /** How long a new TCP connection may take to complete the WebSocket upgrade before it is dropped. */
    public Duration handshakeTimeout() {
        return handshakeTimeout;
    }

    /** After this long without an inbound frame the server sends a ping; zero disables pings. */
    public Duration pingInterval() {
        return pingInterval;
    }

    /** After this long without an inbound frame the session is closed with 1011; zero disables it. */
    public Duration idleTimeout() {
        return idleTimeout;
    }

    /** How long a close waits for the client's close frame before dropping the connection. */
    public Duration closeTimeout() {
        return closeTimeout;
    }

    /** How long {@link TetherServer#close()} waits for sessions to finish their closing handshakes. */
    public Duration shutdownGracePeriod() {
        return shutdownGracePeriod;
    }

    /** The browser origins allowed to connect; empty allows every origin. */
    public Set<String> allowedOrigins() {
        return allowedOrigins;
    }

    /** Whether permessage-deflate is negotiated with clients that offer it. */
    public boolean perMessageDeflate() {
        return perMessageDeflate;
    }

    /** Whether JSON packets go to generic clients in BINARY frames (the Python server's choice) instead of TEXT. */
    public boolean jsonInBinaryFrames() {
        return jsonInBinaryFrames;
    }

    /** Below this many queued outbound bytes a session becomes writable again. */
    public int writeBufferLowWaterMarkBytes() {
        return writeBufferLowWaterMarkBytes;
    }

    /** Above this many queued outbound bytes a session reports it is not writable. */
    public int writeBufferHighWaterMarkBytes() {
        return writeBufferHighWaterMarkBytes;
    }

    /** The hard bound on a session's queued outbound bytes; a send past it is refused. */
    public long maxQueuedBytes() {
        return maxQueuedBytes;
    }

    /** How many received packets may wait for the application per session before reading pauses. */
    public int maxInboundQueuedPackets() {
        return maxInboundQueuedPackets;
    }

    /** In pull mode, how many new sessions may wait for {@link TetherServer#accept}; beyond it handshakes get 503. */
    public int acceptQueueLimit() {
        return acceptQueueLimit;
    }

    /** The number of I/O threads; 0 means one per available processor. */
    public int ioThreads() {
        return ioThreads;
    }

    /** Whether the native epoll transport is used where available (NIO otherwise). */
    public boolean nativeTransport() {
        return nativeTransport;
    }

    /** The executor for handler callbacks and HTTP endpoints, or {@code null} for Tether's own. */
    public @Nullable Executor workerExecutor() {
        return workerExecutor;
    }

    /** The application's handler, or {@code null} for pull mode. */
    public @Nullable TetherHandler handler() {
        return handler;
    }

    /** The class path folder static files are served from, or {@code null}. */
    public @Nullable String staticResources() {
        return staticResources;
    }

    /** The file system folder static files are served from, or {@code null}. */
    public @Nullable Path staticDirectory() {
        return staticDirectory;
    }

    /** The most channels and patterns one session may subscribe to; 0 or less means no limit. */
    public int maxSubscribedChannels() {
        return maxSubscribedChannels;
    }

    /** The slow-consumer policy of subscriptions that do not choose one. */
    public SlowConsumerPolicy slowConsumerPolicy() {
        return slowConsumerPolicy;
    }

    /** The broker that carries publications to the other nodes of a cluster. */
    public ClusterBroker clusterBroker() {
        return clusterBroker;
    }

    /** Who may subscribe with the built-in {@code subscribe} RPC method, or {@code null} when it is off. */
    public @Nullable BiPredicate<? super Session, String> clientSubscriptions() {
        return clientSubscriptions;
    }

    /** Each connection's kernel send buffer (SO_SNDBUF) in bytes, or 0 for the system's default and autotuning. */
    public int socketSendBufferBytes() {
        return socketSendBufferBytes;
    }

    /** Whether Tether answers RPC requests with its dispatcher, or hands them to the handler as packets. */
    public boolean dispatchRpc() {
        return dispatchRpc;
    }

    /** The codec of {@code format}. */
    public PacketCodec codec(WireFormat format) {
        return format == WireFormat.MSGPACK ? msgpackCodec : jsonCodec;
    }

    /** The HTTP endpoints by exact path. */
    public Map<String, HttpEndpoint> httpEndpoints() {
        return httpEndpoints;
    }

    /** The clock rate-limit windows and token buckets read. */
    public Clock clock() {
        return clock;
    }

    /** How many RPC calls of one session may run at once; beyond it a call is refused with an error reply. */
    public int rpcTaskLimit() {
        return rpcTaskLimit;
    }

    /** How many worker tasks may be queued or running across the server before refusable work is refused. */
    public int maxPendingWorkerTasks() {
        return maxPendingWorkerTasks;
    }

    /** The permission predicates by name, for {@link Rpc#requires()}. */
    public Map<String, Predicate<? super Session>> predicates() {
        return predicates;
    }
}
