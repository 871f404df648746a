package dev.tether.bench;

import dev.tether.core.WireFormat;
import dev.tether.server.NonBlocking;
import dev.tether.server.Session;
import dev.tether.server.SlowConsumerPolicy;
import dev.tether.server.TetherHandler;
import dev.tether.server.TetherServer;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.util.ReferenceCountUtil;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;

/**
 * One publication to many local subscribers over real loopback sockets: how many deliveries per second reach the
 * subscribers' sockets, counted at the receiving clients, not at the server.
 *
 * <p>The server runs one I/O thread; the subscribers run in a second JVM on one thread, so on a two-core machine
 * each side has a core (and 10,000 subscribers plus the server's 10,000 sockets do not have to fit in one
 * process's file descriptor limit). Messages are published in rounds of {@code burst}; each round waits until
 * every subscriber has received every message, so no subscriber falls behind, nothing is dropped (the drop counter
 * is printed), and the time covers encoding, fan-out, writing, and the subscribers reading.
 *
 * <pre>
 * java -cp tether-bench/target/benchmarks.jar dev.tether.bench.FanoutMeasurement [subscribers] [rounds] [burst] [payloadBytes]
 * </pre>
 */
public final class FanoutMeasurement {
    private FanoutMeasurement() {}

    /** Deliveries counted by the subscribers' I/O thread, with a wait for a target that does not spin. */
    private static final class Deliveries {
        private final AtomicLong count = new AtomicLong();
        private volatile long target = Long.MAX_VALUE;

        void increment() {
            if (count.incrementAndGet() == target) {
                synchronized (this) {
                    notifyAll();
                }
            }
        }

        synchronized void await(long goal) throws InterruptedException {
            target = goal;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (count.get() < goal) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("timed out waiting for " + goal + " deliveries at " + count);
                }
                wait(100);
            }
        }
    }

    /** A subscriber: counts the BINARY (MessagePack) frames it receives and throws them away. */
    private static final class Counter extends ChannelInboundHandlerAdapter {
        private final Deliveries delivered;
        private final LongAdder handshakes;

        Counter(Deliveries delivered, LongAdder handshakes) {
            this.delivered = delivered;
            this.handshakes = handshakes;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
                handshakes.increment();
            }
            ctx.fireUserEventTriggered(event);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof BinaryWebSocketFrame) {
                delivered.increment();
            }
            ReferenceCountUtil.release(msg);
        }
    }

    @NonBlocking
    private static final class NoOpHandler implements TetherHandler {}

    @FunctionalInterface
    private interface Round {
        void run(int burst) throws IOException;
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("clients")) {
            clients(Integer.parseInt(args[1]), Integer.parseInt(args[2]));
            return;
        }
        int subscribers = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        int burst = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        int payloadBytes = args.length > 3 ? Integer.parseInt(args[3]) : 64;

        TetherServer server = TetherServer.builder()
                .host("127.0.0.1")
                .port(0)
                .ioThreads(1)
                .handler(new NoOpHandler())
                .maxSubscribedChannels(0)
                .pingInterval(Duration.ZERO)
                .idleTimeout(Duration.ZERO)
                .slowConsumerPolicy(SlowConsumerPolicy.DROP_NEWEST)
                .build()
                .start();
        Process child = new ProcessBuilder(
                        ProcessHandle.current().info().command().orElse("java"),
                        "-cp",
                        System.getProperty("java.class.path"),
                        FanoutMeasurement.class.getName(),
                        "clients",
                        String.valueOf(server.port()),
                        String.valueOf(subscribers))
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        try (BufferedReader fromClients =
                        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
                PrintWriter toClients = new PrintWriter(child.getOutputStream(), true, StandardCharsets.UTF_8)) {
            long connectStart = System.nanoTime();
            expectLine(fromClients, "connected");
            waitFor(() -> server.sessions().size() == subscribers, "all subscribers registered");
            double connectSeconds = (System.nanoTime() - connectStart) / 1e9;
            for (Session session : server.sessions()) {
                session.subscribe("bench");
            }
            String payload = "x".repeat(payloadBytes);
            long[] total = {0};
            Round round = count -> {
                for (int b = 0; b < count; b++) {
                    total[0] += server.publish("bench", payload);
                }
                toClients.println(total[0]);
                expectLine(fromClients, "ok");
            };
            for (int r = 0; r < Math.max(1, rounds / 5); r++) {
                round.run(burst); // warm-up
            }
            long before = total[0];
            long start = System.nanoTime();
            for (int r = 0; r < rounds; r++) {
                round.run(burst);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long deliveries = total[0] - before;
            System.out.printf(
                    Locale.ROOT,
                    "subscribers=%d publications=%d payload=%dB deliveries=%d time=%.2fs deliveries/s=%.0f"
                            + " publications/s=%.0f connect=%.1fs dropped=%d%n",
                    subscribers,
                    (long) rounds * burst,
                    payloadBytes,
                    deliveries,
                    seconds,
                    deliveries / seconds,
                    rounds * burst / seconds,
                    connectSeconds,
                    server.stats().droppedNewest());
            toClients.println("done");
        } finally {
            child.waitFor(30, TimeUnit.SECONDS);
            child.destroyForcibly();
            server.close();
        }
    }

    private static void expectLine(BufferedReader in, String expected) throws IOException {
        String line = in.readLine();
        if (!expected.equals(line)) {
            throw new IllegalStateException("subscriber process said " + line + " (expected: " + expected + ")");
        }
    }

    /** The subscriber process: connects, then answers each cumulative target with "ok" once it is reached. */
    private static void clients(int port, int subscribers) throws Exception {
        boolean epoll = Epoll.isAvailable();
        EventLoopGroup group =
                new MultiThreadIoEventLoopGroup(1, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        Deliveries delivered = new Deliveries();
        LongAdder handshakes = new LongAdder();
        try {
            URI uri = URI.create("ws://127.0.0.1:" + port + "/");
            Bootstrap bootstrap = new Bootstrap()
                    .group(group)
                    .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline()
                                    .addLast(new HttpClientCodec())
                                    .addLast(new HttpObjectAggregator(8192))
                                    .addLast(new WebSocketClientProtocolHandler(
                                            WebSocketClientProtocolConfig.newBuilder()
                                                    .webSocketUri(uri)
                                                    .subprotocol(WireFormat.SUBPROTOCOL)
                                                    .handshakeTimeoutMillis(120_000)
                                                    .build()))
                                    .addLast(new Counter(delivered, handshakes));
                        }
                    });
            for (int i = 0; i < subscribers; i++) {
                bootstrap.connect("127.0.0.1", port).sync();
            }
            waitFor(() -> handshakes.sum() == subscribers, "all handshakes");
            PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            out.println("connected");
            for (String line = in.readLine(); line != null && !line.equals("done"); line = in.readLine()) {
                delivered.await(Long.parseLong(line));
                out.println("ok");
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    private static void waitFor(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out waiting for " + what);
            }
            Thread.onSpinWait();
            Thread.yield();
        }
    }
}
