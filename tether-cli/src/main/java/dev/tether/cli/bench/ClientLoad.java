package dev.tether.cli.bench;

import dev.tether.client.ConnectionConfig;
import dev.tether.client.TetherClient;
import dev.tether.client.TetherClientConfig;
import dev.tether.core.Backoff;
import dev.tether.core.TetherException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.jspecify.annotations.Nullable;

/**
 * {@code tether bench client}: one {@link TetherClient}, the library as applications use it (MessagePack, every
 * default but one connect attempt), keeps {@code depth} calls in flight on its one connection, closed loop: each
 * answer issues the next call from the client's event loop. What it measures is the client and the server together,
 * one connection's worth; the {@code rpc} scenario of {@link LoadGenerator} measures the server alone.
 */
public final class ClientLoad {
    /** The methods it calls: {@code add(1, 2)} and {@code echo(payload)}, both on the demo and the bench server. */
    public static final List<String> METHODS = List.of("add", "echo");

    /** The most calls in flight: the client's {@link TetherClientConfig#maxPendingCalls()} by default. */
    public static final int MAX_DEPTH = 1024;

    /** The largest echo payload: its request and answer stay well inside the default 1 MiB message limits. */
    public static final int MAX_SIZE = 512 * 1024;

    /** The thread the client's connection lives on (its own event loop), as {@code DefaultClientConnection} names it. */
    private static final String CLIENT_THREADS = "tether-client-io";

    /** How long the calls still in flight after the window may take to come back before the client closes. */
    private static final Duration DRAIN = Duration.ofSeconds(5);

    /**
     * One run.
     *
     * @param url the server, {@code ws://} on a loopback address
     * @param method {@code add} or {@code echo}
     * @param size {@code echo}: the characters of the string sent (ASCII, so also its bytes); unused by {@code add}
     * @param depth calls in flight
     */
    public record Options(URI url, String method, int size, int depth, Duration duration, Duration warmup) {
        public Options {
            if (!"ws".equals(url.getScheme())) {
                throw new IllegalArgumentException("url: " + url + " (expected: ws://HOST:PORT/)");
            }
            LoadOptions.requireLoopback(url);
            if (!METHODS.contains(method)) {
                throw new IllegalArgumentException("method: " + method + " (expected: one of " + METHODS + ")");
            }
            if (size < 0 || size > MAX_SIZE) {
                throw new IllegalArgumentException("size: " + size + " (expected: 0.." + MAX_SIZE + ")");
            }
            if (depth < 1 || depth > MAX_DEPTH) {
                throw new IllegalArgumentException("depth: " + depth + " (expected: 1.." + MAX_DEPTH + ")");
            }
            if (duration.isNegative() || duration.isZero() || duration.compareTo(LoadOptions.MAX_DURATION) > 0) {
                throw new IllegalArgumentException("duration: " + duration + " (expected: > 0 and <= 1 hour)");
            }
            if (warmup.isNegative() || warmup.compareTo(LoadOptions.MAX_DURATION) > 0) {
                throw new IllegalArgumentException("warmup: " + warmup + " (expected: >= 0 and <= 1 hour)");
            }
        }
    }

    private final Options options;
    private final TetherClient client;
    private final boolean add;
    private final String payload;
    private final Recorder latencies = new Recorder(3);
    private final LongAdder errors = new LongAdder();
    private final AtomicReference<@Nullable Throwable> firstError = new AtomicReference<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final CompletableFuture<Void> drained = new CompletableFuture<>();
    private volatile boolean running = true;

    private ClientLoad(Options options) {
        this.options = options;
        this.add = options.method().equals("add");
        this.payload = "x".repeat(options.size());
        ConnectionConfig connection = ConnectionConfig.builder()
                .uri(options.url())
                .connectBackoff(
                        Backoff.connectDefault().toBuilder().maxAttempts(1).build())
                .build();
        this.client = TetherClient.create(
                TetherClientConfig.builder().connection(connection).build());
    }

    /**
     * Connects, calls for the warm-up and the duration, waits up to 5 s for the calls still in flight and closes.
     *
     * @throws TetherException when the client cannot connect
     */
    public static ClientReport run(Options options) throws InterruptedException {
        return new ClientLoad(options).run();
    }

    private ClientReport run() throws InterruptedException {
        try {
            connect();
            inFlight.set(options.depth());
            for (int i = 0; i < options.depth(); i++) {
                issue();
            }
            sleepUntil(System.nanoTime() + options.warmup().toNanos());

            ThreadCpu threadCpu = new ThreadCpu();
            long cpuStart = LoadGenerator.generatorCpuNanos();
            long pid = ProcessHandle.current().pid();
            long waitStart = LoadGenerator.RunQueue.waitNanos(pid);
            latencies.reset();
            long start = System.nanoTime();
            sleepUntil(start + options.duration().toNanos());
            Histogram window = latencies.getIntervalHistogram();
            long stop = System.nanoTime();
            double seconds = (stop - start) / 1e9;
            long cpuEnd = LoadGenerator.generatorCpuNanos();
            double processCores = cpuStart < 0 || cpuEnd < 0 ? -1 : (cpuEnd - cpuStart) / 1e9 / seconds;
            double clientThreadCores = threadCpu.since(CLIENT_THREADS) / 1e9 / seconds;
            double waitCores =
                    LoadGenerator.RunQueue.fraction(waitStart, LoadGenerator.RunQueue.waitNanos(pid), seconds);

            running = false;
            if (inFlight.get() == 0) {
                drained.complete(null);
            }
            int undrained = 0;
            try {
                drained.get(DRAIN.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                undrained = inFlight.get();
            } catch (ExecutionException e) {
                throw new IllegalStateException("drained never fails", e);
            }
            Throwable first = firstError.get();
            return new ClientReport(
                    options,
                    seconds,
                    window,
                    errors.sum(),
                    undrained,
                    processCores,
                    clientThreadCores,
                    waitCores,
                    first == null ? null : String.valueOf(first));
        } finally {
            client.close().toCompletableFuture().join();
        }
    }

    private void connect() throws InterruptedException {
        try {
            client.connect().toCompletableFuture().get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof TetherException t) {
                throw t;
            }
            throw new TetherException("could not connect to " + options.url() + ": " + cause, cause);
        }
    }

    /**
     * Makes one call and, when it answers, the next: from the caller for the first {@code depth}, then from the
     * client's event loop, where answers complete. A failed call stops its slot: a connection that is gone fails
     * every call at once, and going on would spin.
     */
    private void issue() {
        long sent = System.nanoTime();
        CompletableFuture<@Nullable Object> call = add ? client.call("add", 1, 2) : client.call("echo", payload);
        call.whenComplete((result, error) -> answered(sent, result, error));
    }

    private void answered(long sent, @Nullable Object result, @Nullable Throwable error) {
        long latency = System.nanoTime() - sent;
        if (error != null || !expected(result)) {
            errors.increment();
            firstError.compareAndSet(
                    null, error != null ? error : new IllegalStateException("unexpected result: " + shown(result)));
            retire();
            return;
        }
        latencies.recordValue(latency);
        if (running) {
            issue();
        } else {
            retire();
        }
    }

    private void retire() {
        if (inFlight.decrementAndGet() == 0 && !running) {
            drained.complete(null);
        }
    }

    private boolean expected(@Nullable Object result) {
        return add
                ? result instanceof Number n && n.longValue() == 3
                : result instanceof String s && s.length() == payload.length();
    }

    private static String shown(@Nullable Object result) {
        String text = String.valueOf(result);
        return text.length() > 80 ? text.substring(0, 80) + "…" : text;
    }

    private static void sleepUntil(long deadlineNanos) throws InterruptedException {
        long remaining;
        while ((remaining = deadlineNanos - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.sleep(remaining);
        }
    }
}
