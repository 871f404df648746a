package dev.tether.cli.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.jspecify.annotations.Nullable;

/**
 * Drives {@code tether bench media}: N WebSocket clients on one Netty event loop (by default) each receive a paced
 * audio stream and note the arrival time of every chunk (one binary message). Jitter is |inter-arrival − interval|
 * per chunk; drift is |arrival − the ideal schedule| anchored at the session's first measured chunk. Chunks of the
 * warm-up are not measured. Without a URL the server runs in this process ({@link MediaBenchServer}), which also
 * measures when the transport handed each chunk over, and whose threads' CPU time is reported per session.
 */
public final class MediaLoad {
    private static final long CONNECT_TIMEOUT_MILLIS = 60_000;

    /** What to run; {@code url} null starts the in-process server. */
    public record Options(
            int sessions,
            Duration duration,
            Duration warmup,
            int chunkMillis,
            int rate,
            int frameMillis,
            @Nullable URI url,
            int ioThreads,
            boolean metrics) {
        public Options {
            if (sessions < 1) {
                throw new IllegalArgumentException("sessions: " + sessions + " (expected: > 0)");
            }
            if (chunkMillis < 10 || chunkMillis > 1000 || chunkMillis % 10 != 0) {
                throw new IllegalArgumentException(
                        "chunk: " + chunkMillis + "ms (expected: a multiple of 10 ms, 10..1000)");
            }
            if (rate < 1 || rate > 384_000) {
                throw new IllegalArgumentException("rate: " + rate + " (expected: 1..384000)");
            }
            if (frameMillis < 1 || frameMillis > 1000) {
                throw new IllegalArgumentException("frame: " + frameMillis + "ms (expected: 1..1000)");
            }
            if (ioThreads < 1) {
                throw new IllegalArgumentException("threads: " + ioThreads + " (expected: > 0)");
            }
        }
    }

    private final Options options;
    private final long intervalNanos;
    private final Recorder jitter = new Recorder(3);
    private final Recorder drift = new Recorder(3);
    private final LongAdder received = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final List<Client> clients = new ArrayList<>();
    private volatile boolean measuring;

    private MediaLoad(Options options) {
        this.options = options;
        this.intervalNanos = options.chunkMillis() * 1_000_000L;
    }

    /** Runs to the end: connect, warm up, measure, close; returns the report. */
    public static MediaReport run(Options options) throws InterruptedException {
        return new MediaLoad(options).run();
    }

    private MediaReport run() throws InterruptedException {
        MediaBenchServer server = options.url() == null
                ? new MediaBenchServer(
                        options.rate(), options.chunkMillis() / 10, options.frameMillis(), options.metrics())
                : null;
        boolean epoll = Epoll.isAvailable();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(
                options.ioThreads(),
                new DefaultThreadFactory("tether-bench-media"),
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        try {
            URI given = options.url();
            URI url = server != null
                    ? URI.create("ws://127.0.0.1:" + server.port() + MediaBenchServer.PATH)
                    : java.util.Objects.requireNonNull(given);
            connect(group, epoll, url);
            Thread.sleep(options.warmup().toMillis());

            ThreadCpu cpu = new ThreadCpu();
            long processCpuStart = LoadGenerator.generatorCpuNanos();
            long waitStart =
                    LoadGenerator.RunQueue.waitNanos(ProcessHandle.current().pid());
            long[] gcStart = gc();
            jitter.reset();
            drift.reset();
            received.reset();
            if (server != null) {
                server.startMeasuring();
            }
            measuring = true;
            long start = System.nanoTime();
            Thread.sleep(options.duration().toMillis());
            measuring = false;
            if (server != null) {
                server.stopMeasuring();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long[] gcEnd = gc();
            double processCores = (LoadGenerator.generatorCpuNanos() - processCpuStart) / 1e9 / seconds;
            double wait = LoadGenerator.RunQueue.fraction(
                    waitStart,
                    LoadGenerator.RunQueue.waitNanos(ProcessHandle.current().pid()),
                    seconds);
            double serverCores = server == null ? -1 : cpu.since(MediaBenchServer.THREAD_PREFIXES) / 1e9 / seconds;
            double generatorCores = cpu.since("tether-bench-media") / 1e9 / seconds;
            int open = (int) clients.stream().filter(c -> c.open).count();
            Histogram clientJitter = jitter.getIntervalHistogram();
            Histogram clientDrift = drift.getIntervalHistogram();
            @Nullable Histogram serverJitter = server == null ? null : server.sendJitter.getIntervalHistogram();
            @Nullable Histogram serverDrift = server == null ? null : server.sendDrift.getIntervalHistogram();
            long expected = (long) (open * seconds * 1e9 / intervalNanos);
            return new MediaReport(
                    options,
                    url.toString(),
                    server != null,
                    open,
                    seconds,
                    expected,
                    received.sum(),
                    server == null ? -1 : server.chunksSent.sum(),
                    errors.sum(),
                    clientJitter,
                    clientDrift,
                    serverJitter,
                    serverDrift,
                    processCores,
                    serverCores,
                    generatorCores,
                    wait,
                    gcEnd[0] - gcStart[0],
                    gcEnd[1] - gcStart[1],
                    server == null ? 0 : server.refusedWrites.sum());
        } finally {
            for (Client c : clients) {
                c.close();
            }
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
            if (server != null) {
                server.close();
            }
        }
    }

    private void connect(EventLoopGroup group, boolean epoll, URI url) throws InterruptedException {
        CountDownLatch handshakes = new CountDownLatch(options.sessions());
        WebSocketClientProtocolConfig config = WebSocketClientProtocolConfig.newBuilder()
                .webSocketUri(url)
                .maxFramePayloadLength(4 * 1024 * 1024)
                .handshakeTimeoutMillis(CONNECT_TIMEOUT_MILLIS)
                .dropPongFrames(true)
                .build();
        Bootstrap bootstrap = new Bootstrap()
                .group(group)
                .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) CONNECT_TIMEOUT_MILLIS);
        int port = url.getPort() > 0 ? url.getPort() : 80;
        for (int i = 0; i < options.sessions(); i++) {
            Client client = new Client(handshakes);
            clients.add(client);
            ChannelFuture future = bootstrap
                    .clone()
                    .handler(LoadGenerator.webSocketClient(config, client))
                    .connect(new InetSocketAddress(url.getHost(), port));
            future.addListener(f -> {
                if (!f.isSuccess()) {
                    client.failed();
                }
            });
            if (i % 256 == 255) {
                future.await(CONNECT_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
            }
        }
        if (!handshakes.await(CONNECT_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)) {
            errors.add(handshakes.getCount());
        }
        if (clients.stream().noneMatch(c -> c.open)) {
            throw new IllegalStateException("no connection to " + url + " succeeded (expected: a media endpoint there; "
                    + errors.sum() + " failed)");
        }
    }

    /** Collections and milliseconds spent in them, summed over the collectors. */
    private static long[] gc() {
        long count = 0;
        long millis = 0;
        for (GarbageCollectorMXBean bean : ManagementFactory.getGarbageCollectorMXBeans()) {
            count += Math.max(0, bean.getCollectionCount());
            millis += Math.max(0, bean.getCollectionTime());
        }
        return new long[] {count, millis};
    }

    /** One session's client; every method but {@link #failed} and {@link #close} runs on its event loop. */
    private final class Client extends SimpleChannelInboundHandler<WebSocketFrame> {
        private final CountDownLatch handshakes;
        private long previous;
        private long anchor;
        private long count;
        private boolean counted;
        volatile boolean open;
        private volatile @Nullable ChannelHandlerContext ctx;

        Client(CountDownLatch handshakes) {
            this.handshakes = handshakes;
        }

        void failed() {
            errors.increment();
            handshakes.countDown();
        }

        void close() {
            ChannelHandlerContext c = ctx;
            if (c != null) {
                c.close();
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
            if (event == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
                this.ctx = ctx;
                open = true;
                counted = true;
                handshakes.countDown();
            } else if (event == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
                failed();
            }
            super.userEventTriggered(ctx, event);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
            if (!(frame instanceof BinaryWebSocketFrame)) {
                return;
            }
            long now = System.nanoTime();
            if (!measuring) {
                previous = 0;
                return;
            }
            received.increment();
            if (previous == 0) {
                anchor = now;
                count = 0;
            } else {
                count++;
                jitter.recordValue(Math.abs(now - previous - intervalNanos) / 1000);
                drift.recordValue(Math.abs(now - anchor - count * intervalNanos) / 1000);
            }
            previous = now;
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            open = false;
            super.channelInactive(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            errors.increment();
            if (!counted) {
                counted = true;
                handshakes.countDown();
            }
            ctx.close();
        }
    }
}
