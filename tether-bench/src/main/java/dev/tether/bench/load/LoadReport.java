package dev.tether.bench.load;

import java.util.Locale;
import org.HdrHistogram.Histogram;
import org.jspecify.annotations.Nullable;

/**
 * What one run measured. Rates are per second of the measured window (the warm-up excluded); latencies are
 * send→receive in microseconds, measured by the generator on each connection. The generator is closed-loop
 * (each connection sends its next message when one comes back), so the latencies are those of the offered load,
 * not corrected for coordinated omission.
 *
 * @param seconds the measured window
 * @param sent messages written during the window (FANOUT: publications)
 * @param delivered messages received back during the window, counted when the generator read them (FANOUT:
 *     deliveries to all subscribers)
 * @param errors failed connections, unexpected closes, exceptions and RPC error replies
 * @param generatorCpu the generator's process CPU over the window, in cores (1.0 is one core busy)
 * @param serverCpu the server's process CPU over the window in cores, or {@code -1} when its pid is unknown
 * @param generatorWait how long the generator's threads were runnable but waited for a CPU, in cores over the
 *     window ({@code -1} when unknown): other work on the machine taking the generator's CPU
 * @param serverWait the same for the server, or {@code -1} when its pid is unknown
 * @param idle what {@link Scenario#CONNECTIONS} measured; {@code null} for the other scenarios
 */
public record LoadReport(
        LoadOptions options,
        double seconds,
        long sent,
        long delivered,
        long errors,
        long p50Micros,
        long p90Micros,
        long p99Micros,
        long p999Micros,
        long maxMicros,
        double meanMicros,
        double generatorCpu,
        double serverCpu,
        double generatorWait,
        double serverWait,
        @Nullable Idle idle) {

    /**
     * The idle connections: how many were held, how long opening them took, and the growth of the server's heap
     * and direct memory per connection ({@code -1} when the server has no {@code /health}).
     */
    public record Idle(int held, double connectSeconds, long heapBytesPerConnection, long directBytesPerConnection) {}

    static LoadReport of(
            LoadOptions options,
            double seconds,
            long sent,
            long delivered,
            long errors,
            Histogram nanos,
            double generatorCpu,
            double serverCpu,
            double generatorWait,
            double serverWait,
            @Nullable Idle idle) {
        return new LoadReport(
                options,
                seconds,
                sent,
                delivered,
                errors,
                toMicros(nanos.getValueAtPercentile(50)),
                toMicros(nanos.getValueAtPercentile(90)),
                toMicros(nanos.getValueAtPercentile(99)),
                toMicros(nanos.getValueAtPercentile(99.9)),
                toMicros(nanos.getMaxValue()),
                nanos.getTotalCount() == 0 ? 0 : nanos.getMean() / 1000.0,
                generatorCpu,
                serverCpu,
                generatorWait,
                serverWait,
                idle);
    }

    public double sentPerSecond() {
        return sent / seconds;
    }

    public double deliveredPerSecond() {
        return delivered / seconds;
    }

    /** One JSON object, on one line, with snake_case keys. */
    public String toJson() {
        StringBuilder json = new StringBuilder(512);
        json.append('{');
        field(json, "scenario", quote(options.scenario().name().toLowerCase(Locale.ROOT)));
        field(json, "url", quote(options.url().toString()));
        field(json, "connections", options.connections());
        field(json, "payload_bytes", options.payloadBytes());
        field(json, "depth", options.depth());
        if (options.scenario() == Scenario.RPC) {
            field(json, "method", quote(options.method()));
        }
        if (options.scenario() == Scenario.FANOUT) {
            field(json, "rate", options.rate());
        }
        field(json, "generator_threads", options.ioThreads());
        field(json, "seconds", format(seconds, 3));
        field(json, "sent", sent);
        field(json, "delivered", delivered);
        field(json, "sent_per_second", format(sentPerSecond(), 1));
        field(json, "delivered_per_second", format(deliveredPerSecond(), 1));
        field(json, "errors", errors);
        json.append("\"latency_us\":{");
        field(json, "p50", p50Micros);
        field(json, "p90", p90Micros);
        field(json, "p99", p99Micros);
        field(json, "p999", p999Micros);
        field(json, "max", maxMicros);
        json.append("\"mean\":").append(format(meanMicros, 1)).append("},");
        if (idle != null) {
            field(json, "held", idle.held());
            field(json, "connect_seconds", format(idle.connectSeconds(), 3));
            field(json, "connects_per_second", format(idle.held() / idle.connectSeconds(), 1));
            field(json, "server_heap_bytes_per_connection", idle.heapBytesPerConnection());
            field(json, "server_direct_bytes_per_connection", idle.directBytesPerConnection());
        }
        field(json, "generator_cpu_cores", format(generatorCpu, 3));
        field(json, "server_cpu_cores", serverCpu < 0 ? "null" : format(serverCpu, 3));
        field(json, "generator_cpu_wait_cores", generatorWait < 0 ? "null" : format(generatorWait, 3));
        field(json, "server_cpu_wait_cores", serverWait < 0 ? "null" : format(serverWait, 3));
        field(json, "available_processors", Runtime.getRuntime().availableProcessors());
        json.append("\"java\":").append(quote(System.getProperty("java.version", "unknown")));
        json.append('}');
        return json.toString();
    }

    /** The human summary: what ran, then one table of rates, latencies and CPU. */
    public String toTable() {
        StringBuilder out = new StringBuilder(1024);
        String what = options.scenario() == Scenario.RPC
                ? "rpc " + options.method() + "()"
                : options.scenario().name().toLowerCase(Locale.ROOT);
        out.append(String.format(
                Locale.ROOT,
                "%s  %s  connections=%d payload=%dB depth=%d  %.1fs measured%n%n",
                what,
                options.url(),
                options.connections(),
                options.payloadBytes(),
                options.depth(),
                seconds));
        row(
                out,
                options.scenario() == Scenario.FANOUT ? "published" : "sent",
                String.format(Locale.ROOT, "%,.0f msg/s  (%,d)", sentPerSecond(), sent));
        row(out, "delivered", String.format(Locale.ROOT, "%,.0f msg/s  (%,d)", deliveredPerSecond(), delivered));
        row(out, "errors", String.valueOf(errors));
        row(
                out,
                "latency",
                String.format(
                        Locale.ROOT,
                        "p50 %s  p90 %s  p99 %s  p99.9 %s  max %s",
                        formatMicros(p50Micros),
                        formatMicros(p90Micros),
                        formatMicros(p99Micros),
                        formatMicros(p999Micros),
                        formatMicros(maxMicros)));
        if (idle != null) {
            row(
                    out,
                    "held",
                    String.format(
                            Locale.ROOT,
                            "%,d connections, opened in %.1f s (%,.0f/s)",
                            idle.held(),
                            idle.connectSeconds(),
                            idle.held() / idle.connectSeconds()));
            row(
                    out,
                    "server memory",
                    idle.heapBytesPerConnection() < 0
                            ? "unknown (the server has no /health)"
                            : String.format(
                                    Locale.ROOT,
                                    "%,d B heap + %,d B direct per connection",
                                    idle.heapBytesPerConnection(),
                                    idle.directBytesPerConnection()));
        }
        row(
                out,
                "generator cpu",
                String.format(Locale.ROOT, "%.2f cores, %.2f waiting for a CPU", generatorCpu, generatorWait));
        row(
                out,
                "server cpu",
                serverCpu < 0
                        ? "unknown (pass --server-pid)"
                        : String.format(Locale.ROOT, "%.2f cores, %.2f waiting for a CPU", serverCpu, serverWait));
        return out.toString();
    }

    private static void row(StringBuilder out, String name, String value) {
        out.append(String.format(Locale.ROOT, "  %-14s %s%n", name, value));
    }

    private static String formatMicros(long micros) {
        return micros >= 10_000 ? String.format(Locale.ROOT, "%.1f ms", micros / 1000.0) : micros + " µs";
    }

    private static long toMicros(long nanos) {
        return Math.round(nanos / 1000.0);
    }

    private static void field(StringBuilder json, String name, Object value) {
        json.append('"').append(name).append("\":").append(value).append(',');
    }

    private static String format(double value, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", value);
    }

    private static String quote(String s) {
        StringBuilder q = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                q.append('\\').append(c);
            } else if (c < 0x20) {
                q.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                q.append(c);
            }
        }
        return q.append('"').toString();
    }
}
