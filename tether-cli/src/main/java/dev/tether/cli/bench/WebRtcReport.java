package dev.tether.cli.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * What {@code tether bench webrtc} measured.
 *
 * @param connected the peers that connected with their data channel open
 * @param failures why the others did not
 * @param setupSeconds from the first offer to the last peer open
 * @param setupMicros each connected peer's setup latency in µs
 * @param seconds the streaming window
 * @param framesSent 10 ms tone frames pushed in the window, over all peers
 * @param framesReceived 10 ms frames the peers' playout received in the window
 * @param loudFrames received frames loud enough to be the echoed tone
 * @param serverFramesIn audio frames the in-process echo bot received, or -1
 * @param processCores this process's CPU over the window, in cores (1.0 is one core busy), or -1
 * @param serverConnects the in-process bot's onConnect count, or -1
 */
public record WebRtcReport(
        WebRtcLoad.Options options,
        String url,
        boolean inProcess,
        int connected,
        List<String> failures,
        double setupSeconds,
        Histogram setupMicros,
        double seconds,
        long framesSent,
        long framesReceived,
        long loudFrames,
        long serverFramesIn,
        double processCores,
        int serverConnects) {

    /** Peers connected per second, from the first offer to the last one open. */
    public double setupRate() {
        return setupSeconds <= 0 ? 0 : connected / setupSeconds;
    }

    /** Process CPU per connection in % of one core, or -1. */
    public double cpuPercentPerConnection() {
        return processCores < 0 || connected == 0 ? -1 : processCores * 100 / connected;
    }

    /** Received frames per connection and second of the window (100 is every 10 ms). */
    public double receivedPerConnectionSecond() {
        return connected == 0 ? 0 : framesReceived / (double) connected / seconds;
    }

    /** Echoed (loud) frames per connection and second of the window. */
    public double echoedPerConnectionSecond() {
        return connected == 0 ? 0 : loudFrames / (double) connected / seconds;
    }

    /** One line of JSON. */
    public String toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("scenario", "webrtc");
        json.put("url", url);
        json.put("in_process", inProcess);
        json.put("connections", options.connections());
        json.put("connected", connected);
        json.put("failures", failures);
        json.put("setup_seconds", round(setupSeconds));
        json.put("setup_per_second", round(setupRate()));
        json.put("setup_ms_p50", round(setupMicros.getValueAtPercentile(50) / 1000.0));
        json.put("setup_ms_p99", round(setupMicros.getValueAtPercentile(99) / 1000.0));
        json.put("setup_ms_max", round(setupMicros.getMaxValue() / 1000.0));
        json.put("seconds", round(seconds));
        json.put("frames_sent", framesSent);
        json.put("frames_received", framesReceived);
        json.put("frames_echoed", loudFrames);
        json.put("server_frames_in", serverFramesIn);
        json.put("server_connects", serverConnects);
        json.put("echoed_per_connection_second", round(echoedPerConnectionSecond()));
        json.put("process_cpu_cores", round(processCores));
        json.put("cpu_percent_per_connection", round(cpuPercentPerConnection()));
        try {
            return new ObjectMapper().writeValueAsString(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A few lines for people. */
    public String toTable() {
        StringBuilder out = new StringBuilder();
        out.append(String.format(
                Locale.ROOT,
                "webrtc: %d connections (%d connected), %.1f s streamed, %s%n",
                options.connections(),
                connected,
                seconds,
                inProcess ? "server and echo bot in this process (" + url + ")" : url));
        out.append(String.format(
                Locale.ROOT,
                "setup: %.1f connections/s (%d in %.2f s); latency ms p50 %.1f, p99 %.1f, max %.1f%n",
                setupRate(),
                connected,
                setupSeconds,
                setupMicros.getValueAtPercentile(50) / 1000.0,
                setupMicros.getValueAtPercentile(99) / 1000.0,
                setupMicros.getMaxValue() / 1000.0));
        out.append(String.format(
                Locale.ROOT,
                "audio: %,d frames sent, %,d received (%,d echoed tone = %.1f/s per connection of 100)%s%n",
                framesSent,
                framesReceived,
                loudFrames,
                echoedPerConnectionSecond(),
                serverFramesIn < 0 ? "" : String.format(Locale.ROOT, "; the bot got %,d", serverFramesIn)));
        out.append(String.format(
                Locale.ROOT,
                "cpu: process %.2f cores = %.2f %% of one core per connection%s",
                processCores,
                cpuPercentPerConnection(),
                inProcess ? " (server and peers together)" : " (the peers only)"));
        if (!failures.isEmpty()) {
            out.append(String.format(Locale.ROOT, "%nfailed: %d, first: %s", failures.size(), failures.get(0)));
        }
        return out.toString();
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }
}
