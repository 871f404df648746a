package dev.tether.cli.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.jspecify.annotations.Nullable;

/**
 * What {@code tether bench client} measured: the calls answered in the window, their call→answer latency
 * (HdrHistogram of nanoseconds, shown in ms), the failed calls and the client process's CPU.
 *
 * @param seconds the measured window
 * @param latency the answered calls of the window, one value each, in nanoseconds
 * @param errors failed calls and unexpected results over the whole run (warm-up, window and drain)
 * @param undrained calls still unanswered 5 s after the window, when the client closed
 * @param processCores this process's CPU over the window in cores (the client's event loop, the main thread, the
 *     JIT and the collector), or {@code -1} where the JVM does not tell
 * @param clientThreadCores the part of it on the client's event loop thread
 * @param waitCores how long this process's threads were runnable but waited for a CPU, in cores, or {@code -1}
 * @param firstError the first failure, for the people reading the table; {@code null} without one
 */
public record ClientReport(
        ClientLoad.Options options,
        double seconds,
        Histogram latency,
        long errors,
        int undrained,
        double processCores,
        double clientThreadCores,
        double waitCores,
        @Nullable String firstError) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Calls answered in the window. */
    public long calls() {
        return latency.getTotalCount();
    }

    public double callsPerSecond() {
        return calls() / seconds;
    }

    /**
     * One line of JSON with the keys {@code clients/typescript/bench/rpc.mjs} prints too, in the same order, so that
     * the two lines compare key by key.
     */
    public String toJson() {
        Map<String, @Nullable Object> json = new LinkedHashMap<>();
        json.put("client", "java");
        json.put("method", options.method());
        json.put("size", isEcho() ? options.size() : null);
        json.put("depth", options.depth());
        json.put("duration_s", round(seconds, 3));
        json.put("calls", calls());
        json.put("calls_per_s", round(callsPerSecond(), 1));
        json.put("p50_ms", millis(latency.getValueAtPercentile(50)));
        json.put("p90_ms", millis(latency.getValueAtPercentile(90)));
        json.put("p99_ms", millis(latency.getValueAtPercentile(99)));
        json.put("max_ms", millis(latency.getMaxValue()));
        json.put("errors", errors);
        json.put("cpu_cores", processCores < 0 ? null : round(processCores, 3));
        try {
            return JSON.writeValueAsString(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a report of numbers and strings did not serialise: " + e, e);
        }
    }

    /** The human summary. */
    public String toTable() {
        StringBuilder out = new StringBuilder(512);
        out.append(String.format(
                Locale.ROOT,
                "client java  %s  %s  depth=%d  %.1fs measured%n%n",
                isEcho() ? "echo(" + options.size() + " chars)" : "add(1, 2)",
                options.url(),
                options.depth(),
                seconds));
        row(out, "calls", String.format(Locale.ROOT, "%,.0f/s  (%,d)", callsPerSecond(), calls()));
        row(
                out,
                "latency",
                String.format(
                        Locale.ROOT,
                        "p50 %.3f ms  p90 %.3f ms  p99 %.3f ms  max %.3f ms",
                        millis(latency.getValueAtPercentile(50)),
                        millis(latency.getValueAtPercentile(90)),
                        millis(latency.getValueAtPercentile(99)),
                        millis(latency.getMaxValue())));
        row(out, "errors", errors + (firstError == null ? "" : "  (first: " + firstError + ")"));
        if (undrained > 0) {
            row(out, "undrained", undrained + " calls unanswered 5 s after the window");
        }
        row(
                out,
                "client cpu",
                String.format(
                        Locale.ROOT,
                        "%.2f cores (process; its event loop %.2f), %.2f waiting for a CPU",
                        processCores,
                        clientThreadCores,
                        waitCores));
        return out.toString();
    }

    private boolean isEcho() {
        return options.method().equals("echo");
    }

    private static void row(StringBuilder out, String name, String value) {
        out.append(String.format(Locale.ROOT, "  %-12s %s%n", name, value));
    }

    /** Nanoseconds as milliseconds, to the microsecond. */
    private static double millis(long nanos) {
        return Math.round(nanos / 1000.0) / 1000.0;
    }

    private static double round(double value, int decimals) {
        double scale = Math.pow(10, decimals);
        return Math.round(value * scale) / scale;
    }
}
