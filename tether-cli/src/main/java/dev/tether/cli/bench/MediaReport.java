package dev.tether.cli.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.jspecify.annotations.Nullable;

/**
 * What {@code tether bench media} measured: jitter at the clients (and at the server, when it ran in process) in
 * µs, chunks received against the chunks the window should hold, and CPU.
 */
public record MediaReport(
        MediaLoad.Options options,
        String url,
        boolean inProcess,
        int sessionsOpen,
        double seconds,
        long chunksExpected,
        long chunksReceived,
        long chunksSent,
        long errors,
        Histogram jitter,
        Histogram drift,
        @Nullable Histogram serverJitter,
        @Nullable Histogram serverDrift,
        double processCores,
        double serverCores,
        double generatorCores,
        double waitCores,
        long gcCount,
        long gcMillis,
        long refusedWrites) {

    /** Server CPU per session in µs of CPU per second of audio (the server's threads only), or -1. */
    public double serverCpuMicrosPerSessionSecond() {
        return serverCores < 0 ? -1 : serverCores * 1e6 / sessionsOpen;
    }

    /** One line of JSON. */
    public String toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("scenario", "media");
        json.put("url", url);
        json.put("in_process", inProcess);
        json.put("sessions", options.sessions());
        json.put("sessions_open", sessionsOpen);
        json.put("chunk_ms", options.chunkMillis());
        json.put("rate", options.rate());
        json.put("frame_ms", options.frameMillis());
        json.put("seconds", round(seconds));
        json.put("chunks_expected", chunksExpected);
        json.put("chunks_received", chunksReceived);
        json.put("chunks_sent", chunksSent);
        json.put("errors", errors);
        json.put("jitter_us", percentiles(jitter));
        json.put("drift_us", percentiles(drift));
        if (serverJitter != null && serverDrift != null) {
            json.put("server_jitter_us", percentiles(serverJitter));
            json.put("server_drift_us", percentiles(serverDrift));
        }
        json.put("process_cpu_cores", round(processCores));
        json.put("server_cpu_cores", round(serverCores));
        json.put("server_cpu_us_per_session_second", round(serverCpuMicrosPerSessionSecond()));
        json.put("generator_cpu_cores", round(generatorCores));
        json.put("cpu_wait_cores", round(waitCores));
        json.put("gc_count", gcCount);
        json.put("gc_ms", gcMillis);
        json.put("refused_writes", refusedWrites);
        try {
            return new ObjectMapper().writeValueAsString(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A table for people. */
    public String toTable() {
        StringBuilder out = new StringBuilder();
        out.append(String.format(
                Locale.ROOT,
                "media: %d sessions (%d open), %d ms chunks at %d Hz, %.1f s measured, %s%n",
                options.sessions(),
                sessionsOpen,
                options.chunkMillis(),
                options.rate(),
                seconds,
                inProcess ? "server in this process (" + url + ")" : url));
        out.append(String.format(
                Locale.ROOT,
                "chunks: %,d received of %,d expected (%.1f %%)%s, %d errors%n",
                chunksReceived,
                chunksExpected,
                chunksExpected == 0 ? 0.0 : 100.0 * chunksReceived / chunksExpected,
                chunksSent < 0 ? "" : String.format(Locale.ROOT, ", %,d sent", chunksSent),
                errors));
        out.append(String.format(Locale.ROOT, "%-40s %8s %8s %8s %8s%n", "µs", "p50", "p99", "p99.9", "max"));
        row(out, "client jitter |inter-arrival - interval|", jitter);
        row(out, "client drift from ideal schedule", drift);
        if (serverJitter != null && serverDrift != null) {
            row(out, "server send jitter", serverJitter);
            row(out, "server send drift", serverDrift);
        }
        out.append(String.format(
                Locale.ROOT,
                "cpu (cores): process %.2f, server threads %.2f (%.1f µs/s per session), generator %.2f, waited for a"
                        + " CPU %.2f%n",
                processCores,
                serverCores,
                serverCpuMicrosPerSessionSecond(),
                generatorCores,
                waitCores));
        out.append(String.format(
                Locale.ROOT, "gc: %d collections, %d ms; refused writes %d", gcCount, gcMillis, refusedWrites));
        return out.toString();
    }

    private static void row(StringBuilder out, String name, Histogram h) {
        out.append(String.format(
                Locale.ROOT,
                "%-40s %8d %8d %8d %8d%n",
                name,
                h.getValueAtPercentile(50),
                h.getValueAtPercentile(99),
                h.getValueAtPercentile(99.9),
                h.getMaxValue()));
    }

    private static Map<String, Long> percentiles(Histogram h) {
        Map<String, Long> p = new LinkedHashMap<>();
        p.put("count", h.getTotalCount());
        p.put("p50", h.getValueAtPercentile(50));
        p.put("p99", h.getValueAtPercentile(99));
        p.put("p99_9", h.getValueAtPercentile(99.9));
        p.put("max", h.getMaxValue());
        return p;
    }

    private static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }
}
