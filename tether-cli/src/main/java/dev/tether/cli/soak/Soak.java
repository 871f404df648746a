package dev.tether.cli.soak;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import org.HdrHistogram.Histogram;
import org.jspecify.annotations.Nullable;

/**
 * Runs a soak: starts {@link MixedLoad} against a demo server, samples the server every interval from its
 * {@code /metrics} (after forcing a full collection with {@code jcmd PID GC.run} when given the server's process id)
 * and judges each resource with {@link Growth}.
 */
public final class Soak {
    /** The longest soak {@code tether soak} runs. */
    public static final Duration MAX_DURATION = Duration.ofHours(24);

    private static final double MIB = 1 << 20;

    /** What {@link #run} measures, and how. */
    public record Options(
            URI url,
            int connections,
            int rpcRate,
            int chatRate,
            int messageBytes,
            Duration duration,
            Duration interval,
            Duration warmup,
            Duration stallMin,
            Duration stallMax,
            long serverPid,
            @Nullable Path csv) {
        public Options {
            if (!"ws".equals(url.getScheme()) || url.getPort() < 1) {
                throw new IllegalArgumentException("url: " + url + " (expected: ws://HOST:PORT/)");
            }
            positive("rpc rate", rpcRate);
            positive("chat rate", chatRate);
            positive("message bytes", messageBytes);
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("interval: " + period(interval) + " (expected: > 0)");
            }
            if (duration.compareTo(interval.multipliedBy(3)) < 0 || duration.compareTo(MAX_DURATION) > 0) {
                throw new IllegalArgumentException("duration: " + period(duration) + " (expected: 3 intervals ("
                        + period(interval.multipliedBy(3)) + ") to " + period(MAX_DURATION) + ")");
            }
            if (warmup.isNegative() || warmup.compareTo(duration) >= 0) {
                throw new IllegalArgumentException("warmup: " + period(warmup)
                        + " (expected: >= 0 and shorter than the duration " + period(duration) + ")");
            }
            if (stallMin.isNegative() || stallMax.compareTo(stallMin) <= 0) {
                throw new IllegalArgumentException(
                        "stall: " + period(stallMin) + ".." + period(stallMax) + " (expected: 0 <= MIN < MAX)");
            }
            var unused = MixedLoad.Mix.of(connections);
        }

        private static void positive(String name, int value) {
            if (value < 1) {
                throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
            }
        }

        /** Samples in the warm-up, left out of the verdict. */
        int warmupSamples() {
            return (int) Math.ceil((double) warmup.toMillis() / interval.toMillis());
        }
    }

    /** The samples, the verdict on each resource, and what the load did. */
    public record Report(
            Options options,
            List<Sample> samples,
            List<Growth.Verdict> verdicts,
            long calls,
            long streams,
            long streamItems,
            long said,
            long delivered,
            long churned,
            long stalls,
            long errors,
            @Nullable String firstError,
            boolean forcedGc) {
        /** True when no resource grew and the load's errors were at most 0.1 % of its calls (or at most 10). */
        public boolean passed() {
            return grown().isEmpty() && !tooManyErrors();
        }

        boolean tooManyErrors() {
            return errors > Math.max(10, calls / 1000);
        }

        List<Growth.Verdict> grown() {
            return verdicts.stream().filter(Growth.Verdict::grew).toList();
        }

        /** The verdict as lines: one per resource, then the load's totals and PASSED or FAILED with the reason. */
        public String summary() {
            StringBuilder out = new StringBuilder();
            out.append("| resource | median, 2nd third | median, last third | growth | allowed | slope per hour |"
                    + " verdict |\n|---|---|---|---|---|---|---|\n");
            for (Growth.Verdict v : verdicts) {
                String unit = v.limit().unit();
                if (!v.measured()) {
                    out.append("| ").append(v.limit().resource()).append(" | not measured | | | | | |\n");
                    continue;
                }
                out.append(String.format(
                        Locale.ROOT,
                        "| %s | %s | %s | %s%s | %s | %s%s | %s |%n",
                        v.limit().resource(),
                        Growth.format(v.middle(), unit),
                        Growth.format(v.last(), unit),
                        v.growth() >= 0 ? "+" : "-",
                        Growth.format(Math.abs(v.growth()), unit),
                        Growth.format(v.limit().allowed(v.middle()), unit),
                        v.slopePerHour() >= 0 ? "+" : "-",
                        Growth.format(Math.abs(v.slopePerHour()), unit),
                        v.grew() ? "GREW" : "flat"));
            }
            out.append(String.format(
                    Locale.ROOT,
                    "load: %d RPC calls answered, %d streams (%d items), %d chat messages said, %d delivered to"
                            + " subscribers, %d connections churned, %d stalled readers, %d errors%s%n",
                    calls,
                    streams,
                    streamItems,
                    said,
                    delivered,
                    churned,
                    stalls,
                    errors,
                    firstError == null ? "" : " (first: " + firstError + ")"));
            if (passed()) {
                out.append("PASSED: no resource grew beyond its tolerance");
            } else {
                List<String> reasons = new ArrayList<>();
                for (Growth.Verdict v : grown()) {
                    reasons.add(v.describe());
                }
                if (tooManyErrors()) {
                    reasons.add("the load had " + errors + " errors for " + calls + " calls (expected: at most 0.1 %)"
                            + (firstError == null ? "" : "; first: " + firstError));
                }
                out.append("FAILED: ").append(String.join("; ", reasons));
            }
            return out.toString();
        }
    }

    /** The tolerances, in the order the verdict lists them (docs/reliability.md says why). */
    static final List<Resource> RESOURCES = List.of(
            new Resource(new Growth.Limit("heap after GC", "bytes", 4 * MIB, 0.10), Sample::heapAfterGc),
            new Resource(new Growth.Limit("Netty direct memory", "bytes", 8 * MIB, 0.25), Sample::nettyDirect),
            new Resource(new Growth.Limit("JVM direct buffers", "bytes", 8 * MIB, 0.25), Sample::jvmDirect),
            new Resource(new Growth.Limit("live threads", "threads", 4, 0.10), Sample::threads),
            new Resource(new Growth.Limit("open file descriptors", "fds", 16, 0.10), Sample::fds),
            new Resource(new Growth.Limit("p99 RPC latency", "ms", 50, 1.0), Sample::p99Millis));

    record Resource(Growth.Limit limit, ToDoubleFunction<Sample> value) {}

    private final Options options;
    private final PrintWriter out;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI metrics;

    private Soak(Options options, PrintWriter out) {
        this.options = options;
        this.out = out;
        this.metrics = URI.create(
                "http://" + options.url().getHost() + ":" + options.url().getPort() + "/metrics");
    }

    /**
     * Runs the load for the duration, sampling every interval, and judges the samples. Prints each sample to
     * {@code out} as it is taken, and writes them to the CSV file when one is given.
     *
     * @throws IOException if the load cannot start, or a sample cannot be taken (the server is gone)
     */
    public static Report run(Options options, PrintWriter out) throws IOException, InterruptedException {
        return new Soak(options, out).run();
    }

    private Report run() throws IOException, InterruptedException {
        boolean forceGc = options.serverPid() > 0;
        scrape(); // fails early when the server has no /metrics
        MixedLoad.Settings settings = new MixedLoad.Settings(
                options.url(),
                MixedLoad.Mix.of(options.connections()),
                options.rpcRate(),
                options.chatRate(),
                options.messageBytes(),
                options.stallMin(),
                options.stallMax(),
                42);
        List<Sample> samples = new ArrayList<>();
        Path csv = options.csv();
        try (@Nullable BufferedWriter file = csv == null ? null : Files.newBufferedWriter(csv, StandardCharsets.UTF_8);
                MixedLoad load = MixedLoad.start(settings)) {
            if (file != null) {
                file.write(Sample.CSV_HEADER);
                file.newLine();
            }
            MixedLoad.Mix mix = settings.mix();
            out.printf(
                    Locale.ROOT,
                    "soak: %d connections (%d RPC, %d streams, %d chat subscribers, %d speakers, %d stalled readers,"
                            + " %d churning), %d calls/s, %d chat messages/s of %d characters; a sample every %s for"
                            + " %s, the first %s a warm-up%s%n",
                    options.connections(),
                    mix.rpc(),
                    mix.streams(),
                    mix.subscribers(),
                    mix.speakers(),
                    mix.stalled(),
                    mix.churn(),
                    options.rpcRate(),
                    options.chatRate(),
                    options.messageBytes(),
                    period(options.interval()),
                    period(options.duration()),
                    period(options.warmup()),
                    forceGc ? "; a full GC of process " + options.serverPid() + " before each" : "");
            out.flush();
            long start = System.nanoTime();
            long count = options.duration().toMillis() / options.interval().toMillis();
            var unused = load.latency.getIntervalHistogram(); // the window starts now
            for (long i = 1; i <= count; i++) {
                long due = start + options.interval().toNanos() * i;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                Sample sample = sample(load, (System.nanoTime() - start) / 1e9, forceGc);
                samples.add(sample);
                out.println(sample.toLine());
                out.flush();
                if (file != null) {
                    file.write(sample.toCsv());
                    file.newLine();
                    file.flush();
                }
            }
            List<Growth.Verdict> verdicts = judge(samples, options.warmupSamples());
            return new Report(
                    options,
                    samples,
                    verdicts,
                    load.calls.sum(),
                    load.streams.sum(),
                    load.streamItems.sum(),
                    load.said.sum(),
                    load.delivered.sum(),
                    load.churned.sum(),
                    load.stalls.sum(),
                    load.errors.sum(),
                    load.firstError(),
                    forceGc);
        }
    }

    /** The verdict on every resource of {@link #RESOURCES}. */
    static List<Growth.Verdict> judge(List<Sample> samples, int warmup) {
        double[] seconds = samples.stream().mapToDouble(Sample::seconds).toArray();
        List<Growth.Verdict> verdicts = new ArrayList<>();
        for (Resource r : RESOURCES) {
            double[] values = samples.stream().mapToDouble(r.value()).toArray();
            verdicts.add(Growth.judge(r.limit(), seconds, values, Math.min(warmup, samples.size())));
        }
        return verdicts;
    }

    private Sample sample(MixedLoad load, double seconds, boolean forceGc) throws IOException, InterruptedException {
        Histogram window = load.latency.getIntervalHistogram();
        if (forceGc) {
            fullGc(options.serverPid());
        }
        PrometheusText m = scrape();
        double heap = m.sum("jvm_memory_used_bytes", "area=\"heap\"");
        return new Sample(
                seconds,
                heap,
                forceGc ? heap : m.sum("jvm_gc_live_data_size_bytes"),
                m.sum("tether_netty_direct_memory_used_bytes"),
                m.sum("tether_netty_allocator_direct_used_bytes"),
                m.sum("jvm_buffer_memory_used_bytes", "id=\"direct\""),
                m.sum("jvm_threads_live_threads"),
                m.sum("process_files_open_files"),
                m.sum("tether_connections_open"),
                window.getTotalCount() == 0 ? -1 : window.getValueAtPercentile(99) / 1000.0,
                window.getTotalCount(),
                load.errors.sum(),
                m.sum("tether_slow_consumer_total", "action=\"disconnect\""),
                load.churned.sum(),
                load.stalls.sum());
    }

    private PrometheusText scrape() throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET " + metrics + ": HTTP " + response.statusCode() + " (expected: 200)");
        }
        return PrometheusText.parse(response.body());
    }

    /** {@code 10s}, {@code 10m}, {@code 2h}: a period as the options take it. */
    static String period(Duration d) {
        if (d.toMillis() % 1000 != 0) {
            return d.toMillis() + "ms";
        }
        long s = d.toSeconds();
        if (s % 3600 == 0 && s > 0) {
            return s / 3600 + "h";
        }
        if (s % 60 == 0 && s > 0) {
            return s / 60 + "m";
        }
        return s + "s";
    }

    /** Forces a full collection in process {@code pid} with the JDK's jcmd, and waits for it. */
    static void fullGc(long pid) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process p = new ProcessBuilder(
                        Files.isExecutable(jcmd) ? jcmd.toString() : "jcmd", Long.toString(pid), "GC.run")
                .redirectErrorStream(true)
                .start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("jcmd " + pid + " GC.run failed: " + output.strip());
        }
    }
}
