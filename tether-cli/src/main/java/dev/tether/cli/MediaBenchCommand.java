package dev.tether.cli;

import dev.tether.cli.bench.MediaLoad;
import dev.tether.cli.bench.MediaReport;
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
 * {@code tether bench media}: N paced audio sessions, the jitter of the chunks' arrival (and, with the server in
 * this process, of their sending) and the server's CPU per session.
 */
@Command(
        name = "media",
        mixinStandardHelpOptions = true,
        description = {
            "Measures the pacing of tether-media: N sessions each receive a continuous audio stream in chunks of one"
                    + " interval; every chunk's arrival is timed.",
            "",
            "jitter = |inter-arrival - interval|, drift = |arrival - ideal schedule| (anchored at each session's"
                    + " first measured chunk), HdrHistogram, in µs; the warm-up is not measured.",
            "Without --url the server runs in this process (a MediaEndpoint writing 1 s of audio whenever less than"
                    + " 0.5 s is queued), which also measures its send-time jitter and its threads' CPU; server and"
                    + " generator then share the process and the machine.",
            ""
        })
final class MediaBenchCommand implements Callable<Integer> {
    @Spec
    @SuppressWarnings("NullAway.Init") // injected by picocli before call()
    private CommandSpec spec;

    @Option(
            names = {"-n", "--sessions"},
            paramLabel = "N",
            defaultValue = "1000",
            description = "Concurrent sessions (default: ${DEFAULT-VALUE}).")
    int sessions = 1000;

    @Option(
            names = {"-t", "--duration"},
            paramLabel = "T",
            defaultValue = "30s",
            description = "How long to measure, as 30s, 1m (default: ${DEFAULT-VALUE}).")
    String duration = "30s";

    @Option(
            names = "--warmup",
            paramLabel = "T",
            defaultValue = "3s",
            description = "Streaming before measuring starts (default: ${DEFAULT-VALUE}).")
    String warmup = "3s";

    @Option(
            names = "--chunk",
            paramLabel = "MS",
            defaultValue = "20",
            description = "Chunk length in ms, a multiple of 10 (audioOut10msChunks = MS / 10; default:"
                    + " ${DEFAULT-VALUE}).")
    int chunk = 20;

    @Option(
            names = "--rate",
            paramLabel = "HZ",
            defaultValue = "24000",
            description = "Output sample rate of the in-process server (default: ${DEFAULT-VALUE}).")
    int rate = 24000;

    @Option(
            names = "--frame",
            paramLabel = "MS",
            defaultValue = "100",
            description = "Length of each AudioOutFrame the in-process server writes; it writes 1 s of them whenever"
                    + " less than 0.5 s is queued (default: ${DEFAULT-VALUE}).")
    int frame = 100;

    @Option(
            names = "--url",
            paramLabel = "URL",
            description = "A running server's media route (ws://127.0.0.1:PORT/PATH) that streams paced audio to"
                    + " every client; default: start one in this process.")
    @Nullable
    String url;

    @Option(
            names = "--threads",
            paramLabel = "K",
            defaultValue = "1",
            description = "The generator's I/O threads (default: ${DEFAULT-VALUE}).")
    int threads = 1;

    @Option(
            names = "--metrics",
            description = "Give the in-process server GET /metrics, so its meters and the media endpoint's count"
                    + " (to measure what they cost).")
    boolean metrics;

    @Option(names = "--json", description = "Print one line of JSON instead of the table.")
    boolean json;

    @Override
    public Integer call() throws InterruptedException {
        MediaLoad.Options options;
        try {
            options = new MediaLoad.Options(
                    sessions,
                    BenchCommand.period("duration", duration),
                    BenchCommand.period("warmup", warmup),
                    chunk,
                    rate,
                    frame,
                    url == null ? null : URI.create(url),
                    threads,
                    metrics);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        try {
            MediaReport report = MediaLoad.run(options);
            spec.commandLine().getOut().println(json ? report.toJson() : report.toTable());
            return 0;
        } catch (IllegalStateException e) {
            throw new TetherException(String.valueOf(e.getMessage()), e);
        }
    }
}
