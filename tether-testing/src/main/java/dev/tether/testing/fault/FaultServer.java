package dev.tether.testing.fault;

import dev.tether.core.Clock;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;

/**
 * A WebSocket server on loopback port 0 that meets each new connection with the next scripted {@link Fault}
 * (or the default one, {@link Fault#echo()} unless changed), for testing how clients survive real failures.
 *
 * <pre>{@code
 * try (FaultServer server = FaultServer.start()) {
 *     server.script(Fault.dropAfterUpgrade(), Fault.dropAfterUpgrade()); // then echo
 *     // connect a client to server.uri() …
 *     server.awaitAccepted(3, Duration.ofSeconds(10));
 * }
 * }</pre>
 *
 * <p>What the server saw is recorded for assertions: messages ({@link #takeText}), pings ({@link #awaitPings}),
 * close codes ({@link #takeCloseCode}); each record queue keeps at most 1024 entries and drops newer ones when
 * full. The {@code await}/{@code take} methods block the calling test thread with a real-time limit; never call
 * them from an event loop. Control methods ({@link #dropAll()}, {@link #closeAll}, {@link #stallAll()}) act on
 * the upgraded connections open now and return when done.
 */
public final class FaultServer implements AutoCloseable {
    private static final int RECORD_LIMIT = 1024;
    private static final AttributeKey<Boolean> STALLED = AttributeKey.valueOf(FaultServer.class, "stalled");

    private final EventLoopGroup group;
    private final Channel serverChannel;
    private final Clock clock;
    private final @Nullable SslContext sslContext;
    private final String subprotocols;
    private final ChannelGroup upgraded = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final ArrayDeque<Fault> script = new ArrayDeque<>();
    private Fault defaultFault = Fault.echo();
    private final AtomicInteger accepted = new AtomicInteger();
    private final BlockingQueue<String> texts = new ArrayBlockingQueue<>(RECORD_LIMIT);
    private final BlockingQueue<byte[]> binaries = new ArrayBlockingQueue<>(RECORD_LIMIT);
    private final BlockingQueue<Integer> closeCodes = new ArrayBlockingQueue<>(RECORD_LIMIT);
    private final AtomicInteger pings = new AtomicInteger();

    private FaultServer(Builder builder) throws InterruptedException {
        this.clock = builder.clock;
        this.subprotocols = String.join(",", builder.subprotocols);
        try {
            this.sslContext = builder.keyManagerFactory == null
                    ? null
                    : SslContextBuilder.forServer(builder.keyManagerFactory).build();
        } catch (SSLException e) {
            throw new IllegalArgumentException("keyManagerFactory: " + e.getMessage(), e);
        }
        this.group = eventLoop("tether-fault-server-");
        this.serverChannel = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        accepted.incrementAndGet();
                        Fault fault = nextFault();
                        if (fault.dropAfterBytes > 0) {
                            ch.pipeline().addLast("byte-limit", new ByteLimit(fault.dropAfterBytes));
                        }
                        if (sslContext != null) {
                            ch.pipeline().addLast("tls", sslContext.newHandler(ch.alloc()));
                        }
                        ch.pipeline()
                                .addLast("http", new HttpServerCodec())
                                .addLast("http-aggregator", new HttpObjectAggregator(64 * 1024))
                                .addLast("fault", new FaultHandler(fault));
                    }
                })
                .bind(new InetSocketAddress(io.netty.util.NetUtil.LOCALHOST4, 0))
                .sync()
                .channel();
    }

    /** One NIO event loop on a daemon thread named {@code prefix} and a number, for the fault package's peers. */
    static EventLoopGroup eventLoop(String prefix) {
        AtomicInteger threads = new AtomicInteger();
        return new MultiThreadIoEventLoopGroup(
                1,
                runnable -> {
                    Thread thread = new Thread(runnable, prefix + threads.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                },
                NioIoHandler.newFactory());
    }

    /** Starts a plain {@code ws://} server that echoes, on the system clock. */
    public static FaultServer start() {
        return builder().start();
    }

    /** A builder for a server with a manual clock, TLS or subprotocols. */
    public static Builder builder() {
        return new Builder();
    }

    /** {@code ws://127.0.0.1:PORT/} (or {@code wss://127.0.0.1:PORT/} with TLS: give the certificate that IP address). */
    public URI uri() {
        return URI.create((sslContext != null ? "wss" : "ws") + "://127.0.0.1:" + port() + "/");
    }

    /** The port the server listens on. */
    public int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    /** Connections from now on get these faults, one each, in order; after them the default fault. */
    public synchronized FaultServer script(Fault... faults) {
        script.addAll(Arrays.asList(faults));
        return this;
    }

    /** The fault for connections that the script does not cover. */
    public synchronized FaultServer defaultFault(Fault fault) {
        this.defaultFault = Objects.requireNonNull(fault, "fault");
        return this;
    }

    private synchronized Fault nextFault() {
        Fault next = script.poll();
        return next != null ? next : defaultFault;
    }

    /** How many TCP connections the server has accepted so far. */
    public int accepted() {
        return accepted.get();
    }

    /** Waits until the server has accepted at least {@code count} TCP connections. */
    public boolean awaitAccepted(int count, Duration timeout) throws InterruptedException {
        return awaitCount(accepted, count, timeout);
    }

    /** Waits until at least {@code count} pings have arrived, over all connections. */
    public boolean awaitPings(int count, Duration timeout) throws InterruptedException {
        return awaitCount(pings, count, timeout);
    }

    /** The next text message a client sent, or {@code null} after {@code timeout}. */
    public @Nullable String takeText(Duration timeout) throws InterruptedException {
        return texts.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Every text message received and not taken yet, without waiting. */
    public java.util.List<String> drainTexts() {
        java.util.List<String> all = new java.util.ArrayList<>();
        texts.drainTo(all);
        return all;
    }

    /** The next binary message a client sent, or {@code null} after {@code timeout}. */
    public byte @Nullable [] takeBinary(Duration timeout) throws InterruptedException {
        return binaries.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** The code of the next close frame a client sent (1005 when it had none), or {@code null} after {@code timeout}. */
    public @Nullable Integer takeCloseCode(Duration timeout) throws InterruptedException {
        return closeCodes.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Closes every upgraded connection's TCP socket without a close frame; the clients see an abnormal drop. */
    public void dropAll() throws InterruptedException {
        upgraded.close().await();
    }

    /** Sends a close frame with {@code code} and {@code reason} on every upgraded connection, then closes it. */
    public void closeAll(int code, String reason) throws InterruptedException {
        for (Channel ch : upgraded) {
            ch.writeAndFlush(new CloseWebSocketFrame(code, reason))
                    .addListener(ChannelFutureListener.CLOSE)
                    .await();
        }
    }

    /** Every upgraded connection stops reading and writing; sockets stay open (half-open, as clients see it). */
    public void stallAll() throws InterruptedException {
        CountDownLatch done = new CountDownLatch(upgraded.size());
        for (Channel ch : upgraded) {
            ch.eventLoop().execute(() -> {
                stall(ch);
                done.countDown();
            });
        }
        done.await();
    }

    private static void stall(Channel ch) {
        ch.attr(STALLED).set(true);
        ch.config().setAutoRead(false);
    }

    private static boolean isStalled(Channel ch) {
        return Boolean.TRUE.equals(ch.attr(STALLED).get());
    }

    /** Stops the server and closes every connection; waits for it. */
    @Override
    public void close() {
        serverChannel.close().syncUninterruptibly();
        upgraded.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static boolean awaitCount(AtomicInteger counter, int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (counter.get() < count) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            synchronized (counter) {
                counter.wait(10);
            }
        }
        return true;
    }

    private static void signal(AtomicInteger counter) {
        synchronized (counter) {
            counter.notifyAll();
        }
    }

    /** Drops the connection once the client has sent {@code limit} bytes. */
    private static final class ByteLimit extends ChannelInboundHandlerAdapter {
        private final long limit;
        private long seen;

        ByteLimit(long limit) {
            this.limit = limit;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof ByteBuf buf) {
                seen += buf.readableBytes();
                if (seen >= limit) {
                    ReferenceCountUtil.release(msg);
                    ctx.close();
                    return;
                }
            }
            ctx.fireChannelRead(msg);
        }
    }

    private final class FaultHandler extends ChannelInboundHandlerAdapter {
        private final Fault fault;
        private @Nullable WebSocketServerHandshaker handshaker;

        FaultHandler(Fault fault) {
            this.fault = fault;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            if (fault.stall) {
                stall(ctx.channel());
            }
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (isStalled(ctx.channel())) {
                    return;
                }
                if (msg instanceof FullHttpRequest request) {
                    upgrade(ctx, request);
                } else if (msg instanceof TextWebSocketFrame text) {
                    String value = text.text();
                    texts.offer(value);
                    ctx.writeAndFlush(new TextWebSocketFrame(value));
                } else if (msg instanceof BinaryWebSocketFrame binary) {
                    byte[] bytes = io.netty.buffer.ByteBufUtil.getBytes(binary.content());
                    binaries.offer(bytes);
                    ctx.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(bytes)));
                } else if (msg instanceof PingWebSocketFrame ping) {
                    pings.incrementAndGet();
                    signal(pings);
                    if (!fault.ignorePings) {
                        ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain()));
                    }
                } else if (msg instanceof CloseWebSocketFrame close) {
                    closeCodes.offer(close.statusCode() == -1 ? 1005 : close.statusCode());
                    WebSocketServerHandshaker h = handshaker;
                    if (h != null) {
                        h.close(ctx.channel(), close.retain());
                    } else {
                        ctx.close();
                    }
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        private void upgrade(ChannelHandlerContext ctx, FullHttpRequest request) {
            if (fault.refuseStatus != 0) {
                HttpResponseStatus status = HttpResponseStatus.valueOf(fault.refuseStatus);
                DefaultFullHttpResponse response = new DefaultFullHttpResponse(
                        HttpVersion.HTTP_1_1,
                        status,
                        Unpooled.copiedBuffer(status.reasonPhrase(), StandardCharsets.UTF_8));
                response.headers()
                        .set(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes())
                        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
                return;
            }
            Duration delay = fault.delayUpgrade;
            if (delay != null) {
                FullHttpRequest kept = request.retainedDuplicate();
                clock.schedule(
                        delay,
                        () -> ctx.executor().execute(() -> {
                            try {
                                if (ctx.channel().isActive()) {
                                    finishUpgrade(ctx, kept);
                                }
                            } finally {
                                kept.release();
                            }
                        }));
                return;
            }
            finishUpgrade(ctx, request);
        }

        private void finishUpgrade(ChannelHandlerContext ctx, FullHttpRequest request) {
            String location = (sslContext != null ? "wss://" : "ws://")
                    + request.headers().get(HttpHeaderNames.HOST)
                    + request.uri();
            WebSocketServerHandshaker h = new WebSocketServerHandshakerFactory(
                            location, subprotocols.isEmpty() ? null : subprotocols, false, 1 << 20)
                    .newHandshaker(request);
            if (h == null) {
                WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
                return;
            }
            handshaker = h;
            Channel ch = ctx.channel();
            // Joined before the 101 is written: a client that is ready has a connection dropAll() can see.
            upgraded.add(ch);
            h.handshake(ch, request).addListener(f -> {
                if (!f.isSuccess()) {
                    ch.close();
                    return;
                }
                afterUpgrade(ch);
            });
        }

        private void afterUpgrade(Channel ch) {
            if (!fault.greeting.isEmpty()) {
                for (byte[] payload : fault.greeting) {
                    ch.write(new TextWebSocketFrame(Unpooled.wrappedBuffer(payload)));
                }
                ch.flush();
            }
            if (fault.dropAfterUpgrade) {
                ch.close();
                return;
            }
            if (fault.closeCode != -1) {
                ch.writeAndFlush(new CloseWebSocketFrame(fault.closeCode, fault.closeReason))
                        .addListener(ChannelFutureListener.CLOSE);
                return;
            }
            if (fault.stallAfterUpgrade) {
                stall(ch);
            }
            Duration dropAfter = fault.dropAfter;
            if (dropAfter != null) {
                clock.schedule(dropAfter, ch::close);
            }
        }
    }

    /** Builds a {@link FaultServer}. */
    public static final class Builder {
        private Clock clock = Clock.system();
        private @Nullable KeyManagerFactory keyManagerFactory;
        private String[] subprotocols = new String[0];

        private Builder() {}

        /** The clock for {@link Fault#dropAfter} and {@link Fault#delayUpgrade}; tests pass a {@code ManualClock}. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Serve {@code wss://} with this key (e.g. from {@code io.netty.pkitesting.X509Bundle}). */
        public Builder tls(KeyManagerFactory keyManagerFactory) {
            this.keyManagerFactory = Objects.requireNonNull(keyManagerFactory, "keyManagerFactory");
            return this;
        }

        /** The subprotocols the server accepts; it picks the first the client offers. */
        public Builder subprotocols(String... subprotocols) {
            this.subprotocols = subprotocols.clone();
            return this;
        }

        /** Binds to a free loopback port and starts; blocks the calling (test) thread until bound. */
        public FaultServer start() {
            try {
                return new FaultServer(this);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while starting the fault server", e);
            }
        }
    }
}
