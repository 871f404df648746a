package dev.tether.cli.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.jspecify.annotations.Nullable;

/**
 * What one run measured. Rates are per second of the measured window (the warm-up excluded); latencies are
 * send→receive in microseconds, measured by the generator on each connection. Without a rate the generator is
 * closed-loop (each connection sends its next message when one comes back), so the latencies are those of the
 * offered load; with a rate they run from each message's scheduled send time, which corrects for coordinated
 * omission.
 *
 * @param seconds the measured window
 * @param sent messages written during the window (FANOUT: publications)
 * @param delivered messages received back during the window, counted when the generator read them (FANOUT:
 *     deliveries to all subscribers)
 * @param errors failed connections, unexpected closes, exceptions and RPC error replies
 * @param generatorCpu the generator's process CPU over the window, in cores (1.0 is one core busy); with nodes in
 *     this process, its own threads' only
 * @param serverCpu the server's process CPU over the window in cores, or {@code -1} when its pid is unknown; with
 *     nodes in this process, the CPU of their I/O and worker threads
 * @param generatorWait how long the generator's threads were runnable but waited for a CPU, in cores over the
 *     window ({@code -1} when unknown): other work on the machine taking the generator's CPU
 * @param serverWait the same for the server, or {@code -1} when its pid is unknown
 * @param idle what {@link Scenario#CONNECTIONS} measured; {@code null} for the other scenarios
 * @param cluster what each node of {@link LoadOptions#cluster()} delivered; {@code null} without one
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
        @Nullable Idle idle,
        @Nullable ClusterReport cluster) {

    /**
     * The idle connections: how many were held, how long opening them took, and the growth of the server's heap
     * and direct memory per connection ({@code -1} when the server has no {@code /health}).
     */
    public record Idle(int held, double connectSeconds, long heapBytesPerConnection, long directBytesPerConnection) {}

    /**
     * FANOUT over nodes in this process: what each node's subscribers received, and the process's CPU, of which
     * {@link #serverCpu} and {@link #generatorCpu} are the nodes' and the generator's threads (the rest is the
     * broker clients, the collector and the compiler).
     */
    public record ClusterReport(List<NodeDeliveries> nodes, double processCpu) {
        public ClusterReport {
            nodes = List.copyOf(nodes);
        }
    }

    /**
     * The subscribers of one node in the measured window: how many there were, how many received at least one
     * publication, the deliveries they counted, and publish→deliver latency from the deliveries sampled on them.
     */
    public record NodeDeliveries(
            URI url,
            int subscribers,
            int receiving,
            long delivered,
            double deliveredPerSecond,
            long p50Micros,
            long p99Micros,
            long maxMicros) {

        static NodeDeliveries of(
                URI url, int subscribers, int receiving, long delivered, double seconds, Histogram nanos) {
            return new NodeDeliveries(
                    url,
                    subscribers,
                    receiving,
                    delivered,
                    delivered / seconds,
                    toMicros(nanos.getValueAtPercentile(50)),
                    toMicros(nanos.getValueAtPercentile(99)),
                    toMicros(nanos.getMaxValue()));
        }
    }

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
            @Nullable Idle idle,
            @Nullable ClusterReport cluster) {
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
                idle,
                cluster);
    }

    public double sentPerSecond() {
        return sent / seconds;
    }

    public double deliveredPerSecond() {
        return delivered / seconds;
    }

    /**
     * Whether a run with a rate sent less than 95 % of it: the generator (or the server, through the in-flight
     * cap) could not keep to the schedule, so the offered load was lower than asked for.
     */
    public boolean behindSchedule() {
        return options.rate() > 0 && sentPerSecond() < 0.95 * options.rate();
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One JSON object, on one line, with snake_case keys. */
    public String toJson() {
        Map<String, @Nullable Object> json = new LinkedHashMap<>();
        json.put("scenario", options.scenario().name().toLowerCase(Locale.ROOT));
        json.put("url", options.url().toString());
        LoadOptions.Cluster nodes = options.cluster();
        if (nodes != null) {
            json.put("nodes", nodes.nodes().size());
            json.put("broker", nodes.broker());
            json.put("broker_prefix", nodes.prefix());
            json.put("history", nodes.history());
            json.put("path", path(nodes));
        }
        json.put("connections", options.connections());
        json.put("payload_bytes", options.payloadBytes());
        json.put("depth", options.depth());
        if (options.scenario() == Scenario.RPC) {
            json.put("method", options.method());
        }
        json.put("rate", options.rate());
        json.put("behind_schedule", behindSchedule());
        json.put("generator_threads", options.ioThreads());
        json.put("seconds", round(seconds, 3));
        json.put("sent", sent);
        json.put("delivered", delivered);
        json.put("sent_per_second", round(sentPerSecond(), 1));
        json.put("delivered_per_second", round(deliveredPerSecond(), 1));
        json.put("errors", errors);
        Map<String, Object> latency = new LinkedHashMap<>();
        latency.put("p50", p50Micros);
        latency.put("p90", p90Micros);
        latency.put("p99", p99Micros);
        latency.put("p999", p999Micros);
        latency.put("max", maxMicros);
        latency.put("mean", round(meanMicros, 1));
        json.put("latency_us", latency);
        if (idle != null) {
            json.put("held", idle.held());
            json.put("connect_seconds", round(idle.connectSeconds(), 3));
            json.put("connects_per_second", round(idle.held() / idle.connectSeconds(), 1));
            json.put("server_heap_bytes_per_connection", idle.heapBytesPerConnection());
            json.put("server_direct_bytes_per_connection", idle.directBytesPerConnection());
        }
        ClusterReport cluster = this.cluster;
        if (cluster != null) {
            List<Map<String, Object>> each = new ArrayList<>();
            for (NodeDeliveries node : cluster.nodes()) {
                Map<String, Object> one = new LinkedHashMap<>();
                one.put("url", node.url().toString());
                one.put("subscribers", node.subscribers());
                one.put("receiving", node.receiving());
                one.put("delivered", node.delivered());
                one.put("delivered_per_second", round(node.deliveredPerSecond(), 1));
                one.put(
                        "latency_us",
                        Map.of("p50", node.p50Micros(), "p99", node.p99Micros(), "max", node.maxMicros()));
                each.add(one);
            }
            json.put("per_node", each);
            json.put("process_cpu_cores", round(cluster.processCpu(), 3));
        }
        json.put("generator_cpu_cores", round(generatorCpu, 3));
        json.put("server_cpu_cores", serverCpu < 0 ? null : round(serverCpu, 3));
        json.put("generator_cpu_wait_cores", generatorWait < 0 ? null : round(generatorWait, 3));
        json.put("server_cpu_wait_cores", serverWait < 0 ? null : round(serverWait, 3));
        json.put("available_processors", Runtime.getRuntime().availableProcessors());
        json.put("java", System.getProperty("java.version", "unknown"));
        try {
            return JSON.writeValueAsString(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a report of numbers and strings did not serialise: " + e, e);
        }
    }

    /** The human summary: what ran, then one table of rates, latencies and CPU. */
    public String toTable() {
        StringBuilder out = new StringBuilder(1024);
        String what = options.scenario() == Scenario.RPC
                ? "rpc " + options.method() + "()"
                : options.scenario().name().toLowerCase(Locale.ROOT);
        LoadOptions.Cluster nodes = options.cluster();
        out.append(String.format(
                Locale.ROOT,
                "%s  %s  connections=%d payload=%dB depth=%d%s  %.1fs measured%n%n",
                what,
                nodes == null
                        ? options.url()
                        : String.format(
                                Locale.ROOT,
                                "%d node%s in this process, broker %s%s, history %s",
                                nodes.nodes().size(),
                                nodes.nodes().size() == 1 ? "" : "s",
                                nodes.broker(),
                                nodes.hasBroker() ? " (prefix " + nodes.prefix() + ")" : "",
                                nodes.history() ? "on" : "off"),
                options.connections(),
                options.payloadBytes(),
                options.depth(),
                options.rate() > 0 ? String.format(Locale.ROOT, " rate=%,d/s", options.rate()) : "",
                seconds));
        row(
                out,
                options.scenario() == Scenario.FANOUT ? "published" : "sent",
                String.format(Locale.ROOT, "%,.0f msg/s  (%,d)", sentPerSecond(), sent));
        row(out, "delivered", String.format(Locale.ROOT, "%,.0f msg/s  (%,d)", deliveredPerSecond(), delivered));
        row(out, "errors", String.valueOf(errors));
        if (behindSchedule()) {
            row(
                    out,
                    "schedule",
                    String.format(
                            Locale.ROOT,
                            "BEHIND: sent %,.0f/s of the %,d/s asked for; the latencies count the wait",
                            sentPerSecond(),
                            options.rate()));
        }
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
        ClusterReport cluster = this.cluster;
        if (nodes != null && cluster != null) {
            row(out, "path", path(nodes));
            for (int i = 0; i < cluster.nodes().size(); i++) {
                NodeDeliveries node = cluster.nodes().get(i);
                row(
                        out,
                        "node " + (i + 1) + (i == 0 ? " (pub)" : ""),
                        String.format(
                                Locale.ROOT,
                                "%,.0f msg/s to %d of %d subscribers  p50 %s  p99 %s  max %s",
                                node.deliveredPerSecond(),
                                node.receiving(),
                                node.subscribers(),
                                formatMicros(node.p50Micros()),
                                formatMicros(node.p99Micros()),
                                formatMicros(node.maxMicros())));
            }
        }
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
        if (cluster != null) {
            row(
                    out,
                    "process cpu",
                    String.format(
                            Locale.ROOT,
                            "%.2f cores (nodes %.2f, generator %.2f, the rest %.2f: broker clients, GC, JIT), %.2f"
                                    + " waiting for a CPU",
                            cluster.processCpu(),
                            serverCpu,
                            generatorCpu,
                            Math.max(0, cluster.processCpu() - serverCpu - generatorCpu),
                            generatorWait));
            return out.toString();
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

    /** Which way the publications went: what a reader of the numbers needs to know to compare two runs. */
    private static String path(LoadOptions.Cluster nodes) {
        if (nodes.history()) {
            return nodes.hasBroker()
                    ? "positioned: the broker gives every publication its position and hands it to every node, the"
                            + " publishing one included; subscribers ask for positions"
                    : "positioned: the node numbers every publication in its memory and delivers it at once;"
                            + " subscribers ask for positions";
        }
        return nodes.hasBroker()
                ? "plain: node 1 delivers at once and hands every publication to the broker, which carries it to the"
                        + " other nodes"
                : "plain: the node delivers at once, no broker";
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

    private static double round(double value, int decimals) {
        double scale = Math.pow(10, decimals);
        return Math.round(value * scale) / scale;
    }
}
