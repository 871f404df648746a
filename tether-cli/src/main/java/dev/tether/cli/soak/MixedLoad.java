package dev.tether.cli.soak;

import dev.tether.client.ConnectionConfig;
import dev.tether.client.TetherClient;
import dev.tether.client.TetherClientConfig;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Recorder;
import org.jspecify.annotations.Nullable;

/**
 * The soak's load, all from this process, against the demo server at a loopback URL:
 *
 * <ul>
 *   <li>RPC clients ({@link TetherClient}, MessagePack) call {@code add} and {@code echo} in turn, {@code rpcRate}
 *       calls a second in all, on a fixed schedule; the latency of each answered call is recorded (microseconds).
 *   <li>Stream clients run {@code count(10)} one after another (1.5 s each); every fourth is cancelled after 3 items.
 *   <li>Chat subscribers join one of {@value #ROOMS} rooms ({@code soak.room.N}); speakers {@code say} a message of
 *       {@code messageBytes} characters into the rooms in turn, {@code chatRate} a second in all.
 *   <li>Stalled readers (raw sockets, JSON) join {@code soak.room.*}, stop reading and hold the socket for a random
 *       time in [{@code stallMin}, {@code stallMax}), with a 4 KiB receive buffer, so the server's queue for them
 *       fills and its slow-consumer policy acts; then they reset the connection and start again.
 *   <li>Churners (raw sockets) connect, make one call, hold the connection for 0.2 to 2 s and end it by turns with a
 *       clean close handshake, a TCP reset, or a FIN without a close frame; then connect again.
 * </ul>
 *
 * The clients share one I/O thread ({@code tether-soak-io}); the raw sockets have one blocking thread each.
 */
final class MixedLoad implements AutoCloseable {
    static final String ROOM_PREFIX = "soak.room.";
    static final int ROOMS = 4;
    static final int STREAM_ITEMS = 10;
    private static final long MAX_LATENCY_MICROS = 60_000_000L;
    private static final int RAW_TIMEOUT_MILLIS = 10_000;

    /** How the connections are shared out among the kinds of load. */
    record Mix(int rpc, int streams, int subscribers, int speakers, int stalled, int churn) {
        /** 10 % stalled readers, 10 % churners, 10 % streams, 20 % chat subscribers, 5 % speakers, the rest RPC. */
        static Mix of(int connections) {
            if (connections < 10) {
                throw new IllegalArgumentException("connections: " + connections + " (expected: at least 10)");
            }
            int stalled = share(connections, 0.10);
            int churn = share(connections, 0.10);
            int streams = share(connections, 0.10);
            int subscribers = share(connections, 0.20);
            int speakers = share(connections, 0.05);
            return new Mix(
                    connections - stalled - churn - streams - subscribers - speakers,
                    streams,
                    subscribers,
                    speakers,
                    stalled,
                    churn);
        }

        private static int share(int connections, double fraction) {
            return Math.max(1, (int) Math.round(connections * fraction));
        }
    }

    /** What the load does; see the type's documentation. */
    record Settings(
            URI url,
            Mix mix,
            int rpcRate,
            int chatRate,
            int messageBytes,
            Duration stallMin,
            Duration stallMax,
            long seed) {}

    final Recorder latency = new Recorder(MAX_LATENCY_MICROS, 3);
    final LongAdder calls = new LongAdder();
    final LongAdder streamItems = new LongAdder();
    final LongAdder streams = new LongAdder();
    final LongAdder said = new LongAdder();
    final LongAdder delivered = new LongAdder();
    final LongAdder stalls = new LongAdder();
    final LongAdder churned = new LongAdder();
    final LongAdder errors = new LongAdder();
    private final AtomicReference<@Nullable String> firstError = new AtomicReference<>();

    private final Settings settings;
    private final String host;
    private final int port;
    private final String text;
    private final EventLoopGroup group;
    private final ScheduledExecutorService ticks;
    private final List<TetherClient> clients = new ArrayList<>();
    private final List<TetherClient> rpcClients = new ArrayList<>();
    private final List<TetherClient> speakers = new ArrayList<>();
    private final List<Thread> rawThreads = new ArrayList<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running = true;
    private double rpcOwed;
    private double chatOwed;
    private long rpcNext;
    private long chatNext;

    private MixedLoad(Settings settings) {
        this.settings = settings;
        this.host = settings.url().getHost();
        this.port = settings.url().getPort();
        this.text = "m".repeat(settings.messageBytes());
        this.group = new MultiThreadIoEventLoopGroup(
                1,
                new DefaultThreadFactory("tether-soak-io", true),
                Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        this.ticks = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tether-soak-tick");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Connects every client, then starts the load; it runs until {@link #close()}.
     *
     * @throws IOException if a client cannot connect or join its room within 15 s
     */
    static MixedLoad start(Settings settings) throws IOException, InterruptedException {
        MixedLoad load = new MixedLoad(settings);
        try {
            load.begin();
            return load;
        } catch (IOException | InterruptedException | RuntimeException e) {
            load.close();
            throw e;
        }
    }

    private void begin() throws IOException, InterruptedException {
        Mix mix = settings.mix();
        for (int i = 0; i < mix.rpc(); i++) {
            rpcClients.add(connect());
        }
        for (int i = 0; i < mix.speakers(); i++) {
            speakers.add(connect());
        }
        for (int i = 0; i < mix.subscribers(); i++) {
            TetherClient client = connect();
            var unused = client.onChannel(ROOM_PREFIX + "*", packet -> delivered.increment());
            await(client.join(ROOM_PREFIX + (i % ROOMS)), "join a room");
        }
        for (int i = 0; i < mix.streams(); i++) {
            stream(connect(), i);
        }
        Random random = new Random(settings.seed());
        for (int i = 0; i < mix.stalled(); i++) {
            long seed = random.nextLong();
            rawThreads.add(thread("tether-soak-stalled-" + i, () -> stallLoop(new Random(seed))));
        }
        for (int i = 0; i < mix.churn(); i++) {
            long seed = random.nextLong();
            int first = i;
            rawThreads.add(thread("tether-soak-churn-" + i, () -> churnLoop(new Random(seed), first)));
        }
        var unusedRpc = ticks.scheduleAtFixedRate(this::tickRpc, 10, 10, TimeUnit.MILLISECONDS);
        var unusedChat = ticks.scheduleAtFixedRate(this::tickChat, 10, 10, TimeUnit.MILLISECONDS);
    }

    private TetherClient connect() throws IOException, InterruptedException {
        TetherClient client = TetherClient.create(TetherClientConfig.builder()
                .connection(ConnectionConfig.builder()
                        .uri(settings.url())
                        .eventLoopGroup(group)
                        .build())
                .callTimeout(Duration.ofSeconds(10))
                .build());
        clients.add(client);
        await(client.connect().toCompletableFuture(), "connect");
        return client;
    }

    private static void await(CompletableFuture<?> future, String what) throws IOException, InterruptedException {
        try {
            future.get(15, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IOException("soak client could not " + what + ": " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("soak client could not " + what + " within 15 s", e);
        }
    }

    private Thread thread(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private void tickRpc() {
        rpcOwed += settings.rpcRate() / 100.0;
        while (rpcOwed >= 1 && running) {
            rpcOwed--;
            long n = rpcNext++;
            TetherClient client = rpcClients.get((int) (n % rpcClients.size()));
            long start = System.nanoTime();
            boolean add = n % 2 == 0;
            int a = (int) (n & 0xFFFF);
            CompletableFuture<@Nullable Object> answer = add ? client.call("add", a, 1) : client.call("echo", text);
            var unused = answer.whenComplete((result, error) -> {
                if (error != null) {
                    failed("call", error);
                } else if (add ? !(result instanceof Number sum && sum.intValue() == a + 1) : !text.equals(result)) {
                    failed("call", new IllegalStateException("wrong answer: " + result));
                } else {
                    latency.recordValue(Math.min(MAX_LATENCY_MICROS, (System.nanoTime() - start) / 1000));
                    calls.increment();
                }
            });
        }
    }

    private void tickChat() {
        chatOwed += settings.chatRate() / 100.0;
        while (chatOwed >= 1 && running) {
            chatOwed--;
            long n = chatNext++;
            TetherClient speaker = speakers.get((int) (n % speakers.size()));
            var unused = speaker.call("say", ROOM_PREFIX + (n % ROOMS), text).whenComplete((result, error) -> {
                if (error != null) {
                    failed("say", error);
                } else {
                    said.increment();
                }
            });
        }
    }

    /** Runs streams on {@code client} one after another while the load runs; every fourth is cancelled early. */
    private void stream(TetherClient client, long k) {
        if (!running) {
            return;
        }
        boolean cancel = k % 4 == 3;
        client.stream("count", STREAM_ITEMS).subscribe(new Flow.Subscriber<Object>() {
            private Flow.@Nullable Subscription subscription;
            private int seen;

            @Override
            public void onSubscribe(Flow.Subscription s) {
                subscription = s;
                s.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(Object item) {
                streamItems.increment();
                Flow.Subscription s = subscription;
                if (cancel && ++seen == 3 && s != null) {
                    s.cancel();
                    streams.increment();
                    stream(client, k + 1);
                }
            }

            @Override
            public void onError(Throwable error) {
                failed("stream", error);
                if (running) {
                    var unused = ticks.schedule(() -> stream(client, k + 1), 1, TimeUnit.SECONDS);
                }
            }

            @Override
            public void onComplete() {
                streams.increment();
                stream(client, k + 1);
            }
        });
    }

    private void stallLoop(Random random) {
        long min = settings.stallMin().toMillis();
        long spread = Math.max(1, settings.stallMax().toMillis() - min);
        while (running) {
            try (RawWebSocket ws = RawWebSocket.open(host, port, 4096, RAW_TIMEOUT_MILLIS)) {
                ws.sendText(request("join", "\"" + ROOM_PREFIX + "*\"", "soak-join"));
                awaitReply(ws, "soak-join");
                stalls.increment();
                // From here on nothing reads this socket: the server's queue for it fills.
                if (stopped.await(min + Math.floorMod(random.nextLong(), spread), TimeUnit.MILLISECONDS)) {
                    return;
                }
                ws.reset();
            } catch (IOException e) {
                failed("stalled reader", e);
                pause();
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void churnLoop(Random random, int first) {
        int way = first;
        while (running) {
            try (RawWebSocket ws = RawWebSocket.open(host, port, 0, RAW_TIMEOUT_MILLIS)) {
                ws.sendText(request("add", "1, 2", "soak-churn"));
                awaitReply(ws, "soak-churn");
                if (stopped.await(200 + random.nextInt(1800), TimeUnit.MILLISECONDS)) {
                    return;
                }
                switch (way++ % 3) {
                    case 0 -> {
                        ws.sendClose(1000);
                        while (ws.readText() != null) {
                            // skip what was in flight until the server's close frame
                        }
                    }
                    case 1 -> ws.reset();
                    default -> ws.close(); // a FIN, no close frame
                }
                churned.increment();
            } catch (IOException e) {
                failed("churn", e);
                pause();
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void pause() {
        try {
            var unused = stopped.await(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String request(String method, String args, String callId) {
        return "{\"source\":5,\"rpc\":{\"type\":\"request\",\"method\":\"" + method + "\",\"args\":[" + args
                + "],\"kwargs\":{},\"call_id\":\"" + callId + "\"}}";
    }

    private static void awaitReply(RawWebSocket ws, String callId) throws IOException {
        for (int frames = 0; frames < 10_000; frames++) {
            String text = ws.readText();
            if (text == null) {
                throw new IOException("closed by the server before the answer to " + callId);
            }
            if (text.contains("\"" + callId + "\"")) {
                if (text.contains("\"error\":null")) {
                    return;
                }
                throw new IOException("error answer to " + callId + ": " + text);
            }
        }
        throw new IOException("no answer to " + callId + " in 10,000 frames");
    }

    private void failed(String what, Throwable error) {
        if (!running) {
            return; // the load is stopping: calls and sockets cut off now are not the server's failures
        }
        errors.increment();
        firstError.compareAndSet(null, what + ": " + error);
    }

    /** The first error of the load, or null. */
    @Nullable
    String firstError() {
        return firstError.get();
    }

    /** Stops the load: the raw sockets end, the clients close (waiting up to 5 s for them), the I/O thread stops. */
    @Override
    public void close() throws InterruptedException {
        running = false;
        stopped.countDown();
        ticks.shutdownNow();
        for (Thread t : rawThreads) {
            t.join(RAW_TIMEOUT_MILLIS + 1000);
        }
        List<CompletableFuture<Void>> closing = new ArrayList<>();
        for (TetherClient client : clients) {
            closing.add(client.close().toCompletableFuture());
        }
        try {
            CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // the server may already be gone; the process ends anyway
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    }
}
