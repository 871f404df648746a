package dev.tether.cli.bench;

import dev.tether.core.Packet;
import dev.tether.core.PacketCodec;
import dev.tether.core.PacketCodecs;
import dev.tether.core.RpcRequest;
import dev.tether.core.RpcResponse;
import dev.tether.core.WireFormat;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.jspecify.annotations.Nullable;

/**
 * Drives one {@link Scenario} against a server and reports what reached the generator back.
 *
 * <p>Without a rate every connection is closed-loop: it keeps {@link LoadOptions#depth()} messages in flight and
 * sends the next one when one comes back, writing in the read loop and flushing once per read batch. Latency is
 * measured per message from just before its write to the read of its answer: echoes come back in order, so each
 * connection keeps its send times in a ring; RPC calls carry their slot in {@code call_id}.
 *
 * <p>With a rate ({@code echo} and {@code rpc}) the load is open-loop: each connection sends on a fixed schedule
 * of {@code rate / connections} messages a second, sent by a pacer every 100 µs, and a message's latency runs from
 * the time the schedule meant to send it. A server that stalls therefore shows its stall in the latency of every
 * message that should have gone meanwhile, instead of silently slowing the generator down (coordinated omission).
 * {@code depth} still caps the messages in flight per connection; a message due while the cap is reached waits,
 * and its wait counts.
 *
 * <p>FANOUT over the nodes of a {@link LoadOptions.Cluster} connects subscriber {@code i} to node {@code i % n} and
 * the publisher to the first node, waits for {@link BeforePublishing} (every node's broker forwarding the channel)
 * before it publishes, and counts deliveries and samples latency per node as well as in all.
 *
 * <p>The run is bounded: connect (at most 60 s), warm up, measure for the duration, then stop sending and wait at
 * most 2 s for the answers in flight before closing every connection.
 */
public final class LoadGenerator {
    private static final long CONNECT_TIMEOUT_MILLIS = 60_000;
    private static final long DRAIN_MILLIS = 2_000;
    private static final int MAX_FRAME_BYTES = 64 * 1024 * 1024;
    /** How often a pacer sends the messages due with {@code --rate}. */
    private static final long PACING_NANOS = 100_000;

    /** In-process nodes: the threads that are the servers' (I/O, workers) and the generator's. */
    private static final String[] NODE_THREADS = {"tether-io-", "tether-worker-"};

    private static final String GENERATOR_THREADS = "tether-bench-io";

    /** The phases a run goes through; connections read the current one on every message. */
    private static final int WARMUP = 0;

    private static final int MEASURE = 1;
    private static final int DRAIN = 2;

    private final LoadOptions options;
    private final PacketCodec codec = PacketCodecs.msgpack();
    private final LongAdder sent = new LongAdder();
    private final LongAdder delivered = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final Recorder latencies = new Recorder(3);
    private final List<Connection> connections = new ArrayList<>();
    /** FANOUT: every delivery in every phase, which bounds how far the publisher may run ahead. */
    private final LongAdder received = new LongAdder();

    /** FANOUT: the nodes' addresses (the one at the url without a cluster), and per node its deliveries. */
    private final List<URI> nodes;

    private final LongAdder[] deliveredAt;
    private final Recorder[] latenciesAt;
    private final BeforePublishing beforePublishing;

    private @Nullable CountDownLatch subscribed;
    private @Nullable Connection publisher;
    private volatile int phase = WARMUP;

    private LoadGenerator(LoadOptions options, BeforePublishing beforePublishing) {
        this.options = options;
        this.beforePublishing = beforePublishing;
        LoadOptions.Cluster cluster = options.cluster();
        this.nodes = cluster == null ? List.of(options.url()) : cluster.nodes();
        this.deliveredAt = new LongAdder[nodes.size()];
        this.latenciesAt = new Recorder[nodes.size()];
        for (int i = 0; i < nodes.size(); i++) {
            deliveredAt[i] = new LongAdder();
            latenciesAt[i] = new Recorder(3);
        }
    }

    /**
     * Runs {@code options} to the end and returns the report; {@code progress} is told the elapsed part of the
     * measurement and the delivered rate so far, about four times a second, on the calling thread.
     *
     * @throws IllegalStateException if no connection could be opened
     */
    public static LoadReport run(LoadOptions options, Progress progress) throws InterruptedException, IOException {
        return run(options, progress, () -> {});
    }

    /**
     * {@link #run(LoadOptions, Progress)}, where FANOUT calls {@code beforePublishing} once every subscriber's
     * {@code subscribe} was answered and before its first publication, on the calling thread.
     */
    public static LoadReport run(LoadOptions options, Progress progress, BeforePublishing beforePublishing)
            throws InterruptedException, IOException {
        return new LoadGenerator(options, beforePublishing).run(progress);
    }

    /**
     * What FANOUT waits for before it publishes, such as every node's broker forwarding the channel
     * ({@link FanoutNodes#awaitForwarding}): a publication that missed a node would be a delivery never made.
     */
    @FunctionalInterface
    public interface BeforePublishing {
        void await() throws InterruptedException;
    }

    /** Receives the progress of a run. */
    public interface Progress {
        /** About four times a second during the measurement; {@code fraction} goes from 0 to 1. */
        void update(double fraction, double deliveredPerSecond);

        /** A progress that shows nothing. */
        static Progress none() {
            return (fraction, rate) -> {};
        }
    }

    private LoadReport run(Progress progress) throws InterruptedException, IOException {
        boolean epoll = Epoll.isAvailable();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(
                options.ioThreads(),
                new DefaultThreadFactory("tether-bench-io"),
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        try {
            ServerHealth health = new ServerHealth(options.url());
            boolean idle = options.scenario() == Scenario.CONNECTIONS;
            boolean hasHealth = false;
            if (idle) {
                for (int i = 0; i < 8; i++) {
                    hasHealth = health.sample();
                    Thread.sleep(100);
                }
            }
            long baseHeap = health.minHeap();
            // Exact when the server offers it (the bench server does): its heap after a full collection.
            long baseLive = idle && hasHealth ? health.heapAfterGc() : -1;
            long baseDirect = health.direct();
            long connectStart = System.nanoTime();
            connect(group, epoll);
            double connectSeconds = (System.nanoTime() - connectStart) / 1e9;
            ServerHealth held = new ServerHealth(options.url());
            startAll();
            long warmupEnd = System.nanoTime() + options.warmup().toNanos();
            sleepUntil(warmupEnd);

            ProcessCpu serverCpu = options.serverPid() > 0 ? ProcessCpu.of(options.serverPid()) : ProcessCpu.none();
            long serverCpuStart = serverCpu.nanos();
            long cpuStart = generatorCpuNanos();
            long serverWaitStart = RunQueue.waitNanos(options.serverPid());
            long waitStart = RunQueue.waitNanos(ProcessHandle.current().pid());
            ThreadCpu threadCpu = new ThreadCpu();
            latencies.reset();
            for (Recorder recorder : latenciesAt) {
                recorder.reset();
            }
            phase = MEASURE;
            long start = System.nanoTime();
            long end = start + options.duration().toNanos();
            for (long now = start; now < end; now = System.nanoTime()) {
                sleepUntil(Math.min(end, now + 250_000_000L));
                if (idle && hasHealth) {
                    held.sample();
                }
                double elapsed = (System.nanoTime() - start) / 1e9;
                progress.update(Math.min(1.0, elapsed * 1e9 / options.duration().toNanos()), delivered.sum() / elapsed);
            }
            phase = DRAIN;
            long stop = System.nanoTime();
            long sentCount = sent.sum();
            long deliveredCount = delivered.sum();
            Histogram histogram = latencies.getIntervalHistogram();
            double seconds = (stop - start) / 1e9;
            double generatorCpu = (generatorCpuNanos() - cpuStart) / 1e9 / seconds;
            long serverCpuEnd = serverCpu.nanos();
            double serverCores =
                    serverCpuStart < 0 || serverCpuEnd < 0 ? -1 : (serverCpuEnd - serverCpuStart) / 1e9 / seconds;
            double serverWait = RunQueue.fraction(serverWaitStart, RunQueue.waitNanos(options.serverPid()), seconds);
            double generatorWait = RunQueue.fraction(
                    waitStart, RunQueue.waitNanos(ProcessHandle.current().pid()), seconds);
            LoadReport.ClusterReport clusterReport = null;
            if (options.cluster() != null) {
                // One process: the nodes' threads are the server, the generator's loop is the generator, and the
                // process's CPU and wait are both's.
                double processCpu = generatorCpu;
                serverCores = threadCpu.since(NODE_THREADS) / 1e9 / seconds;
                generatorCpu = threadCpu.since(GENERATOR_THREADS) / 1e9 / seconds;
                serverWait = generatorWait;
                clusterReport = new LoadReport.ClusterReport(perNode(seconds), processCpu);
            }
            int open = connections.size();
            long heldLive = baseLive >= 0 ? health.heapAfterGc() : -1; // while the connections are still held
            drain();
            LoadReport.Idle idleReport = null;
            if (idle) {
                long heapPer = heldLive >= 0
                        ? (heldLive - baseLive) / open
                        : baseHeap < 0 || held.minHeap() < 0 ? -1 : (held.minHeap() - baseHeap) / open;
                long directPer = baseDirect < 0 || held.direct() < 0 ? -1 : (held.direct() - baseDirect) / open;
                idleReport = new LoadReport.Idle(open, connectSeconds, heapPer, directPer);
            }
            return LoadReport.of(
                    options,
                    seconds,
                    sentCount,
                    deliveredCount,
                    errors.sum(),
                    histogram,
                    generatorCpu,
                    serverCores,
                    generatorWait,
                    serverWait,
                    idleReport,
                    clusterReport);
        } finally {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
        }
    }

    /** Deliveries per node in the window; call once, after it. */
    private List<LoadReport.NodeDeliveries> perNode(double seconds) {
        List<LoadReport.NodeDeliveries> each = new ArrayList<>(nodes.size());
        for (int node = 0; node < nodes.size(); node++) {
            int subscribers = 0;
            int receiving = 0;
            for (Connection c : connections) {
                if (!c.publishes && c.node == node) {
                    subscribers++;
                    if (c.receivedInWindow) {
                        receiving++;
                    }
                }
            }
            each.add(LoadReport.NodeDeliveries.of(
                    nodes.get(node),
                    subscribers,
                    receiving,
                    deliveredAt[node].sum(),
                    seconds,
                    latenciesAt[node].getIntervalHistogram()));
        }
        return each;
    }

    private void startAll() throws InterruptedException {
        if (options.scenario() != Scenario.FANOUT) {
            for (Connection c : connections) {
                c.start();
            }
            if (options.rate() > 0) {
                startPacers();
            }
            return;
        }
        Connection pub = connections.get(connections.size() - 1);
        if (!pub.publishes) {
            throw new IllegalStateException("the publisher's connection failed (expected: it connects first)");
        }
        CountDownLatch latch = new CountDownLatch(connections.size() - 1);
        subscribed = latch;
        for (Connection c : connections) {
            if (!c.publishes) {
                c.start();
            }
        }
        if (!latch.await(CONNECT_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)) {
            errors.add(latch.getCount());
        }
        beforePublishing.await();
        publisher = pub;
        pub.start();
    }

    /**
     * With a rate: one pacer per event loop, every {@value #PACING_NANOS} ns, sends what each of its connections
     * has due. One timer per loop rather than per connection or per message keeps the generator's own cost down;
     * the price is that a message goes out up to one tick after its time, which its latency includes (latency runs
     * from the scheduled time).
     */
    private void startPacers() {
        Map<EventExecutor, List<Connection>> byLoop = new IdentityHashMap<>();
        for (Connection c : connections) {
            ChannelHandlerContext ctx = c.ctx;
            if (ctx != null) {
                byLoop.computeIfAbsent(ctx.executor(), loop -> new ArrayList<>())
                        .add(c);
            }
        }
        byLoop.forEach((loop, those) -> loop.scheduleAtFixedRate(
                () -> {
                    for (Connection c : those) {
                        try {
                            c.pacedNow();
                        } catch (RuntimeException e) {
                            // One connection's failure must not cancel the pacer of the others on its loop.
                            c.fail(e);
                        }
                    }
                },
                PACING_NANOS,
                PACING_NANOS,
                TimeUnit.NANOSECONDS));
    }

    /**
     * FANOUT's subscribe call: plain, or with history asking for positions, so that the subscriber gets every
     * publication in offset order from the broker (its own node's too) instead of at once.
     */
    private RpcRequest subscribe() {
        LoadOptions.Cluster cluster = options.cluster();
        if (cluster == null || !cluster.history()) {
            return RpcRequest.of("subscribe", "subscribe", LoadOptions.FANOUT_CHANNEL);
        }
        return new RpcRequest("subscribe", List.of(LoadOptions.FANOUT_CHANNEL), Map.of("positions", true), "subscribe");
    }

    /** How many connections {@link #connect} opens: FANOUT adds its publisher to the subscribers. */
    private int connectionCount() {
        return options.scenario() == Scenario.FANOUT ? options.connections() + 1 : options.connections();
    }

    private void connect(EventLoopGroup group, boolean epoll) throws InterruptedException, IOException {
        CountDownLatch handshakes = new CountDownLatch(connectionCount());
        List<WebSocketClientProtocolConfig> configs = new ArrayList<>(nodes.size());
        for (URI node : nodes) {
            configs.add(WebSocketClientProtocolConfig.newBuilder()
                    .webSocketUri(node)
                    .subprotocol(WireFormat.SUBPROTOCOL)
                    .maxFramePayloadLength(MAX_FRAME_BYTES)
                    .handshakeTimeoutMillis(CONNECT_TIMEOUT_MILLIS)
                    .dropPongFrames(true)
                    .build());
        }
        Bootstrap bootstrap = new Bootstrap()
                .group(group)
                .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) CONNECT_TIMEOUT_MILLIS);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CONNECT_TIMEOUT_MILLIS);
        // One source address has ~28,000 ephemeral ports; IPv4 loopback answers on all of 127.0.0.0/8.
        boolean spread = options.scenario() == Scenario.CONNECTIONS
                && InetAddress.getByName(options.url().getHost()) instanceof Inet4Address;
        for (int i = 0; i < connectionCount(); i++) {
            Connection connection = new Connection(i, handshakes);
            connections.add(connection);
            URI node = nodes.get(connection.node);
            ChannelFuture future = bootstrap
                    .clone()
                    .handler(webSocketClient(configs.get(connection.node), connection))
                    .connect(
                            new InetSocketAddress(node.getHost(), LoadOptions.port(node)),
                            spread ? new InetSocketAddress("127.0.1." + (1 + i % 250), 0) : null);
            future.addListener(f -> {
                if (!f.isSuccess()) {
                    connection.fail(f.cause());
                }
            });
            // Bounded concurrency: at most 256 connects in flight, so that a big N does not flood the accept queue.
            if (i % 256 == 255) {
                future.await(CONNECT_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
            }
        }
        long remaining = deadline - System.nanoTime();
        if (!handshakes.await(Math.max(0, remaining), TimeUnit.NANOSECONDS)) {
            errors.add(handshakes.getCount());
        }
        boolean publisherOpen = options.scenario() != Scenario.FANOUT || connections.get(connections.size() - 1).open;
        connections.removeIf(c -> !c.open);
        if (!publisherOpen) {
            connections.clear();
        }
        if (connections.isEmpty()) {
            throw new IllegalStateException("no connection to " + options.url() + " succeeded (expected: a WebSocket"
                    + " server there; " + errors.sum() + " failed)");
        }
    }

    /** The pipeline of one generator connection: HTTP for the upgrade, the WebSocket client, then {@code last}. */
    static ChannelInitializer<SocketChannel> webSocketClient(
            WebSocketClientProtocolConfig config, ChannelHandler last) {
        return new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                ch.pipeline()
                        .addLast(new HttpClientCodec())
                        .addLast(new HttpObjectAggregator(8192))
                        .addLast(new WebSocketClientProtocolHandler(config))
                        .addLast(last);
            }
        };
    }

    private void drain() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DRAIN_MILLIS);
        for (Connection c : connections) {
            while (c.inFlight() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
        }
        for (Connection c : connections) {
            c.closing = true;
            c.close();
        }
    }

    private static void sleepUntil(long deadlineNanos) throws InterruptedException {
        long remaining;
        while ((remaining = deadlineNanos - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.sleep(remaining);
        }
    }

    /** This process's CPU time, or -1 where the JVM does not tell. */
    static long generatorCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    /** One WebSocket connection; every method but {@link #fail} runs on its event loop. */
    private final class Connection extends SimpleChannelInboundHandler<Object> {
        private final CountDownLatch handshakes;
        private final byte[][] messages;
        /** ECHO and RPC: {@link #messages} as whole masked frames ({@link LeanFrames#masked}); released on close. */
        private final ByteBuf[] frames;
        /** ECHO: a ring of send times, oldest at {@code head}; RPC: the send time of each slot. */
        private final long[] sentAt;

        /** FANOUT: this connection publishes; the others subscribe. */
        final boolean publishes;

        /** The index of the node it connects to: the publisher's is 0, subscriber {@code i}'s is {@code i % n}. */
        final int node;

        /** FANOUT: a subscriber got a publication in the measured window; read after it. */
        volatile boolean receivedInWindow;

        private int head;
        private int tail;
        /** RPC with a rate: the slots free to send, a stack of {@code freeCount}. */
        private final int[] freeSlots;
        /** RPC with a rate: which slots wait for their answer (a repeated answer must not free a slot twice). */
        private final boolean[] busy;

        private int freeCount;
        /** With a rate: when the schedule started, and how many messages it has sent. */
        private long scheduleStart;

        private long issued;

        private boolean isSubscribed;
        private long published;
        private long publishStart;
        private int sample;
        /** Written on the event loop; the drain reads it from the main thread, with a deadline. */
        private int inFlight;

        volatile boolean open;
        volatile boolean closing;
        private @Nullable ChannelHandlerContext ctx;

        Connection(int index, CountDownLatch handshakes) {
            super(true);
            this.handshakes = handshakes;
            this.publishes = options.scenario() == Scenario.FANOUT && index == options.connections();
            this.node = publishes ? 0 : index % nodes.size();
            this.sentAt = new long[options.depth()];
            this.freeSlots = new int[options.depth()];
            this.busy = new boolean[options.depth()];
            for (int slot = 0; slot < freeSlots.length; slot++) {
                freeSlots[freeCount++] = freeSlots.length - 1 - slot;
            }
            byte[] payload = new byte[options.payloadBytes()];
            for (int i = 0; i < payload.length; i++) {
                payload[i] = (byte) ('a' + (index + i) % 26);
            }
            if (options.scenario() == Scenario.ECHO) {
                messages = new byte[][] {codec.encode(Packet.custom(payload))};
            } else if (options.scenario() == Scenario.FANOUT) {
                // The publisher encodes each publication (it carries its time); this is the subscribe call.
                messages = new byte[][] {codec.encode(Packet.rpc(subscribe())), payload};
            } else {
                messages = new byte[options.depth()][];
                for (int slot = 0; slot < messages.length; slot++) {
                    RpcRequest request = options.method().equals("echo")
                            ? RpcRequest.of("echo", Integer.toString(slot), (Object) payload)
                            : RpcRequest.of(options.method(), Integer.toString(slot), index, slot);
                    messages[slot] = codec.encode(Packet.rpc(request));
                }
            }
            boolean lean = options.scenario() == Scenario.ECHO || options.scenario() == Scenario.RPC;
            frames = new ByteBuf[lean ? messages.length : 0];
            for (int i = 0; i < frames.length; i++) {
                frames[i] = LeanFrames.masked(messages[i]);
            }
        }

        int inFlight() {
            return inFlight;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
                // The generator's own decoder from here on. No server sends before the client does in these
                // scenarios, so Netty's decoder holds no bytes to hand over.
                ctx.pipeline().replace("ws-decoder", "bench-frames", new LeanFrames.Decoder(MAX_FRAME_BYTES));
                open = true;
                handshakes.countDown();
            } else if (event == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
                fail(new IllegalStateException("handshake timed out"));
            }
            ctx.fireUserEventTriggered(event);
        }

        /** Sends the first {@code depth} messages; from the caller's thread it hops to the event loop. */
        void start() {
            ChannelHandlerContext c = ctx;
            if (c == null) {
                return;
            }
            if (options.scenario() == Scenario.CONNECTIONS) {
                return; // idle: the handshake was all
            }
            c.executor().execute(() -> {
                if (options.scenario() != Scenario.FANOUT && options.rate() > 0) {
                    scheduleStart = System.nanoTime();
                    paced(c);
                } else if (options.scenario() != Scenario.FANOUT) {
                    for (int slot = 0; slot < options.depth(); slot++) {
                        send(c, slot, System.nanoTime());
                    }
                } else if (!publishes) {
                    c.write(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(messages[0])));
                } else {
                    publishStart = System.nanoTime();
                    if (options.rate() > 0) {
                        c.executor().scheduleAtFixedRate(() -> publish(c), 1, 1, TimeUnit.MILLISECONDS);
                    }
                    publish(c);
                }
                c.flush();
            });
        }

        /**
         * Publishes while fewer than {@code depth} publications are unanswered, the subscribers are on average
         * fewer than {@code depth} behind, and (with a rate) the schedule has publications due.
         */
        void publish(ChannelHandlerContext c) {
            int subscribers = connections.size() - 1;
            boolean wrote = false;
            while (phase != DRAIN && inFlight < options.depth()) {
                long intended;
                if (options.rate() > 0) {
                    intended = publishStart + published * 1_000_000_000L / options.rate();
                    if (intended > System.nanoTime()) {
                        break;
                    }
                } else {
                    intended = System.nanoTime();
                }
                if (published * subscribers - received.sum() >= (long) subscribers * options.depth()) {
                    break;
                }
                List<Object> data = List.of(intended, messages[1]);
                byte[] request = codec.encode(Packet.rpc(
                        RpcRequest.of("publish", Long.toString(published), LoadOptions.FANOUT_CHANNEL, data)));
                c.write(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(request)));
                published++;
                inFlight++;
                if (phase == MEASURE) {
                    sent.increment();
                }
                wrote = true;
            }
            if (wrote) {
                c.flush();
            }
        }

        /** {@link #paced} from its pacer, on the connection's event loop; nothing once the connection closed. */
        void pacedNow() {
            ChannelHandlerContext c = ctx;
            if (c != null && scheduleStart != 0 && open && !closing) {
                paced(c);
            }
        }

        /**
         * With a rate: sends every message the schedule has due, while fewer than {@code depth} are in flight. A
         * message's send time is the time the schedule meant, so a wait for room or for the pacer's next tick
         * counts in its latency.
         */
        void paced(ChannelHandlerContext c) {
            double interval = 1e9 * connections.size() / options.rate(); // the rate is shared by those that opened
            boolean wrote = false;
            while (phase != DRAIN && inFlight < options.depth()) {
                long intended = scheduleStart + (long) (issued * interval);
                if (intended > System.nanoTime()) {
                    break;
                }
                int slot = 0;
                if (options.scenario() == Scenario.RPC) {
                    slot = freeSlots[--freeCount];
                    busy[slot] = true;
                }
                send(c, slot, intended);
                issued++;
                wrote = true;
            }
            if (wrote) {
                c.flush();
            }
        }

        /** Lets the publisher go on after deliveries freed room; from any event loop. */
        void kick() {
            ChannelHandlerContext c = ctx;
            if (c == null) {
                return;
            }
            if (c.executor().inEventLoop()) {
                publish(c);
            } else {
                c.executor().execute(() -> publish(c));
            }
        }

        void close() {
            ChannelHandlerContext c = ctx;
            if (c != null) {
                c.close();
            }
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext ctx) {
            for (ByteBuf frame : frames) {
                frame.release();
            }
        }

        void fail(Throwable cause) {
            if (!closing) {
                errors.increment();
                if (errors.sum() <= 5) {
                    System.err.println("tether bench: " + cause);
                }
            }
            if (!open) {
                handshakes.countDown();
            }
        }

        /** Writes one message, whose latency counts from {@code since}; it occupies {@code slot} (RPC). */
        private void send(ChannelHandlerContext c, int slot, long since) {
            if (options.scenario() == Scenario.ECHO) {
                sentAt[tail] = since;
                tail = (tail + 1) % sentAt.length;
                c.write(frames[0].retainedDuplicate(), c.voidPromise());
            } else {
                sentAt[slot] = since;
                c.write(frames[slot].retainedDuplicate(), c.voidPromise());
            }
            inFlight++;
            if (phase == MEASURE) {
                sent.increment();
            }
        }

        @Override
        protected void channelRead0(ChannelHandlerContext c, Object message) {
            ByteBuf frame;
            if (message instanceof ByteBuf payload) {
                frame = payload; // from LeanFrames.Decoder
            } else if (message instanceof BinaryWebSocketFrame || message instanceof TextWebSocketFrame) {
                frame = ((WebSocketFrame) message).content();
            } else {
                return;
            }
            long now = System.nanoTime();
            if (options.scenario() == Scenario.FANOUT) {
                readFanout(c, frame, now);
                return;
            }
            int slot;
            if (options.scenario() == Scenario.ECHO) {
                slot = head;
                head = (head + 1) % sentAt.length;
            } else {
                slot = answeredSlot(frame);
                if (slot < 0 || (options.rate() > 0 && !busy[slot])) {
                    return;
                }
            }
            inFlight--;
            int current = phase;
            if (current == MEASURE) {
                delivered.increment();
                latencies.recordValue(now - sentAt[slot]);
            }
            if (options.rate() > 0) {
                if (options.scenario() == Scenario.RPC) {
                    busy[slot] = false;
                    freeSlots[freeCount++] = slot;
                }
            } else if (current != DRAIN) {
                send(c, slot, System.nanoTime());
            }
        }

        private void readFanout(ChannelHandlerContext c, ByteBuf frame, long now) {
            if (publishes) {
                RpcResponse response = codec.decode(ByteBufUtil.getBytes(frame)).response();
                if (response != null) {
                    countError(response);
                    inFlight--;
                    publish(c);
                }
                return;
            }
            if (!isSubscribed) {
                RpcResponse response = codec.decode(ByteBufUtil.getBytes(frame)).response();
                if (response != null && response.callId().equals("subscribe")) {
                    countError(response);
                    isSubscribed = true;
                    CountDownLatch latch = subscribed;
                    if (latch != null) {
                        latch.countDown();
                    }
                }
                return;
            }
            received.increment();
            if (phase != MEASURE) {
                return;
            }
            delivered.increment();
            deliveredAt[node].increment();
            if (!receivedInWindow) {
                receivedInWindow = true;
            }
            // Decoding every delivery would make the generator the bottleneck: one in 16 gives the latency.
            if ((sample++ & 15) == 0) {
                Packet packet = codec.decode(ByteBufUtil.getBytes(frame));
                if (packet.data() instanceof List<?> data && !data.isEmpty() && data.get(0) instanceof Number sentAt) {
                    long nanos = Math.max(0, now - sentAt.longValue());
                    latencies.recordValue(nanos);
                    latenciesAt[node].recordValue(nanos);
                }
            }
        }

        private void countError(RpcResponse response) {
            if (response.error() != null) {
                errors.increment();
                if (errors.sum() <= 5) {
                    System.err.println(String.format(
                            Locale.ROOT, "tether bench: RPC error %d: %s", response.error(), response.response()));
                }
            }
        }

        /** The slot an RPC reply answers, or -1 (and an error counted) when it is not a successful reply. */
        private int answeredSlot(ByteBuf content) {
            int lean = LeanReplies.successfulSlot(content);
            if (lean != LeanReplies.UNKNOWN) {
                return lean < sentAt.length ? lean : -1;
            }
            byte[] bytes = ByteBufUtil.getBytes(content);
            RpcResponse response = codec.decode(bytes).response();
            if (response == null) {
                return -1;
            }
            if (response.error() != null) {
                errors.increment();
                if (errors.sum() <= 5) {
                    System.err.println(String.format(
                            Locale.ROOT, "tether bench: RPC error %d: %s", response.error(), response.response()));
                }
            }
            try {
                int slot = Integer.parseInt(response.callId());
                return slot >= 0 && slot < sentAt.length ? slot : -1;
            } catch (NumberFormatException e) {
                return -1;
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext c) {
            if (options.rate() > 0 && options.scenario() != Scenario.FANOUT && scheduleStart != 0) {
                paced(c); // messages that waited for room
            }
            c.flush();
            Connection pub = publisher;
            if (pub != null && !publishes) {
                pub.kick();
            }
            c.fireChannelReadComplete();
        }

        @Override
        public void channelInactive(ChannelHandlerContext c) {
            if (open && !closing) {
                fail(new IllegalStateException("the server closed connection " + c.channel()));
            }
            open = false;
            c.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext c, Throwable cause) {
            fail(cause);
            c.close();
        }
    }

    /**
     * How long a process's threads waited for a CPU while runnable, summed over its threads from
     * {@code /proc/PID/task/TID/schedstat} (the second field); Linux only. On a shared machine this is the CPU time
     * other work took from the measurement, which the CPU columns alone do not show.
     */
    static final class RunQueue {
        private RunQueue() {}

        static long waitNanos(long pid) {
            if (pid <= 0) {
                return -1;
            }
            Path tasks = Path.of("/proc", Long.toString(pid), "task");
            long total = 0;
            try (DirectoryStream<Path> threads = Files.newDirectoryStream(tasks)) {
                for (Path thread : threads) {
                    try {
                        String[] fields = Files.readString(thread.resolve("schedstat"))
                                .trim()
                                .split(" ");
                        total += Long.parseLong(fields[1]);
                    } catch (IOException | RuntimeException e) {
                        // the thread ended between listing and reading
                    }
                }
                return total;
            } catch (IOException | RuntimeException e) {
                return -1;
            }
        }

        /** Waiting time as cores over the window (0.5 = on average half a thread runnable but not running). */
        static double fraction(long start, long end, double seconds) {
            return start < 0 || end < 0 ? -1 : Math.max(0, end - start) / 1e9 / seconds;
        }
    }

    /** Reads a process's CPU time from {@code /proc}; Linux only, {@code -1} elsewhere. */
    interface ProcessCpu {
        long nanos();

        static ProcessCpu none() {
            return () -> -1;
        }

        static ProcessCpu of(long pid) {
            Path stat = Path.of("/proc", Long.toString(pid), "stat");
            return () -> {
                try {
                    String line = Files.readString(stat);
                    // Fields after the command name (which may hold spaces) start at the last ')'.
                    String[] fields = line.substring(line.lastIndexOf(')') + 2).split(" ");
                    long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime
                    return ticks * 10_000_000L; // USER_HZ is 100 on Linux
                } catch (IOException | RuntimeException e) {
                    return -1;
                }
            };
        }
    }
}
