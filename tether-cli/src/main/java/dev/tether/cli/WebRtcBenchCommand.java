package dev.tether.cli;

import dev.tether.cli.bench.WebRtcLoad;
import dev.tether.cli.bench.WebRtcReport;
import dev.tether.core.TetherException;
import java.net.URI;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code tether bench webrtc}: N webrtc-java peers connect at once through SmallWebRTC signaling and stream audio
 * to an echo bot; the setup rate and latency, the echoed frames and the CPU per connection.
 */
@Command(
        name = "webrtc",
        mixinStandardHelpOptions = true,
        description = {
            "Measures tether-webrtc: N server-side peer connections offered at once by webrtc-java peers (an audio"
                    + " transceiver and the data channel chat, as pipecat's browser client), then a 10 ms tone frame"
                    + " every 10 ms on each, echoed by the bot.",
            "",
            "setup = a peer's offer, candidate gathering, POST, answer, until connected with its data channel open"
                    + " (HdrHistogram, ms); rate = connected / (last open - first offer).",
            "cpu = process CPU time over the window / wall time / connections, in %% of one core; without --url the"
                    + " server runs in this process, so it counts the server and the peers together.",
            ""
        })
final class WebRtcBenchCommand implements Callable<Integer> {
    @Spec
    @SuppressWarnings("NullAway.Init") // injected by picocli before call()
    private CommandSpec spec;

    @Option(
            names = {"-c", "--connections"},
            paramLabel = "N",
            defaultValue = "20",
            description = "Concurrent peer connections (default: ${DEFAULT-VALUE}).")
    int connections = 20;

    @Option(
            names = {"-t", "--duration"},
            paramLabel = "T",
            defaultValue = "10s",
            description = "How long to stream and measure, as 10s, 1m (default: ${DEFAULT-VALUE}).")
    String duration = "10s";

    @Option(
            names = "--warmup",
            paramLabel = "T",
            defaultValue = "2s",
            description = "Streaming before measuring starts (default: ${DEFAULT-VALUE}).")
    String warmup = "2s";

    @Option(
            names = "--url",
            paramLabel = "URL",
            description = "A running server's offer route (http://127.0.0.1:PORT/api/offer) whose bot echoes audio;"
                    + " default: start one in this process.")
    @Nullable
    String url;

    @Option(names = "--json", description = "Print one line of JSON instead of the table.")
    boolean json;

    @Override
    public Integer call() throws InterruptedException {
        WebRtcLoad.Options options;
        try {
            options = new WebRtcLoad.Options(
                    connections,
                    BenchCommand.period("duration", duration),
                    BenchCommand.period("warmup", warmup),
                    url == null ? null : URI.create(url));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        try {
            WebRtcReport report = WebRtcLoad.run(options);
            spec.commandLine().getOut().println(json ? report.toJson() : report.toTable());
            return report.connected() == connections ? 0 : 1;
        } catch (IllegalStateException e) {
            throw new TetherException(String.valueOf(e.getMessage()), e);
        }
    }
}
