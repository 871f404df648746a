package dev.tether.server.internal;

import dev.tether.core.TetherException;
import dev.tether.server.ServerConfig;
import dev.tether.server.TlsConfig;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
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
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.security.KeyStore;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.net.ssl.KeyManagerFactory;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's network: the event loops (epoll or NIO), the bound port, TLS, and the pipeline of a new connection
 * (the per-address count, TLS, HTTP codec and aggregator, permessage-deflate where an endpoint allows it, then the
 * router). It knows nothing
 * of sessions or protocols.
 */
final class NettyServer {
    private static final Logger log = LoggerFactory.getLogger(NettyServer.class);

    private final ServerConfig config;
    private final Supplier<ChannelHandler> router;
    private final int maxDeflateBytes;
    private final @Nullable AddressTracker addressTracker;
    private final DeflateSettings deflate;
    private final Map<EventLoop, LoopDrainer> drainers = new ConcurrentHashMap<>();
    private @Nullable EventLoopGroup group;
    private @Nullable Channel serverChannel;
    private @Nullable ChannelGroup allChannels;

    /** {@code maxDeflateBytes}: the largest message of the endpoints that allow permessage-deflate; 0 for none. */
    NettyServer(
            ServerConfig config,
            Supplier<ChannelHandler> router,
            int maxDeflateBytes,
            @Nullable AddressLimits addressLimits) {
        this.config = config;
        this.router = router;
        this.maxDeflateBytes = maxDeflateBytes;
        this.addressTracker = addressLimits == null ? null : new AddressTracker(addressLimits);
        this.deflate = DeflateSettings.of(config);
    }

    /**
     * Binds the port.
     *
     * @throws TetherException if it cannot be bound; the loops are stopped again then
     */
    void bind() {
        SslContext ssl = config.tls() == null ? null : sslContext(Objects.requireNonNull(config.tls()));
        Transport transport = Transport.choose(config.nativeTransport());
        int threads = config.ioThreads() > 0
                ? config.ioThreads()
                : Runtime.getRuntime().availableProcessors();
        EventLoopGroup loops = transport.newGroup(threads, Threads.ioThreads());
        group = loops;
        allChannels = new DefaultChannelGroup("tether", GlobalEventExecutor.INSTANCE);
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
            throw new TetherException(
                    "Could not bind " + config.host() + ":" + config.port() + ": " + e.getMessage(), e);
        }
        log.info(
                "Tether listening on {}://{}:{}{} ({} transport, {} I/O threads)",
                config.tls() == null ? "ws" : "wss",
                config.host(),
                port(),
                config.path(),
                transport.name().toLowerCase(Locale.ROOT),
                threads);
    }

    private void initConnection(SocketChannel ch, @Nullable SslContext ssl) {
        ChannelGroup channels = allChannels;
        if (channels != null) {
            channels.add(ch);
        }
        ChannelPipeline p = ch.pipeline();
        if (addressTracker != null) {
            p.addLast("tether-address", addressTracker);
        }
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
        if (maxDeflateBytes > 0) {
            p.addLast("tether-deflate", new EndpointDeflateHandler(deflate, maxDeflateBytes, ch));
        }
        p.addLast("tether-router", router.get());
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
                            Objects.requireNonNull(tls.certificateChain()).toFile(),
                            Objects.requireNonNull(tls.privateKey()).toFile(),
                            password == null ? null : new String(password))
                    .build();
        } catch (Exception e) {
            throw new TetherException(
                    "tls: " + tls + " (expected: a usable certificate and private key): " + e.getMessage(), e);
        }
    }

    int port() {
        Channel ch = serverChannel;
        return ch == null ? config.port() : ((InetSocketAddress) ch.localAddress()).getPort();
    }

    /** The drainer of {@code loop}'s connections, made on first use. */
    LoopDrainer drainer(EventLoop loop) {
        return drainers.computeIfAbsent(loop, LoopDrainer::new);
    }

    /** Stops accepting: the listening socket closes. */
    void unbind() {
        Channel server = serverChannel;
        if (server != null) {
            server.close();
        }
    }

    /** Closes every connection still open (sessions that did not finish closing, idle HTTP connections). */
    void closeConnections() {
        ChannelGroup channels = allChannels;
        if (channels != null) {
            channels.close();
        }
    }

    /** Stops the event loops, letting queued tasks run for up to {@code graceMillis}; null if never bound. */
    @Nullable
    Future<?> shutdown(long graceMillis) {
        EventLoopGroup loops = group;
        return loops == null ? null : loops.shutdownGracefully(0, Math.max(100, graceMillis), TimeUnit.MILLISECONDS);
    }

    /** Whether the calling thread is one of the server's event loops. */
    boolean inEventLoop() {
        EventLoopGroup loops = group;
        if (loops != null) {
            for (EventExecutor loop : loops) {
                if (loop.inEventLoop()) {
                    return true;
                }
            }
        }
        return false;
    }
}
