package dev.tether.cli;

import dev.tether.cli.bench.FanoutNodes;
import dev.tether.cli.bench.LoadGenerator;
import dev.tether.cli.bench.LoadOptions;
import dev.tether.cli.bench.LoadReport;
import dev.tether.cli.bench.Scenario;
import dev.tether.core.Durations;
import dev.tether.core.TetherException;
import dev.tether.server.spi.ClusterBroker;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tether bench}: drives a server on this machine with {@link LoadGenerator} and prints a table (or one
 * line of JSON with {@code --json}); a progress bar runs on standard error. Every run stops by itself after the
 * warm-up and the duration.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        subcommands = {ClientBenchCommand.class, MediaBenchCommand.class, WebRtcBenchCommand.class},
        description = {
            "Measures a WebSocket server on this machine (loopback addresses only).",
            "",
            "echo: N connections send BINARY frames of a MessagePack CUSTOM packet of SIZE bytes, DEPTH in flight"
                    + " each, and count the frames that come back (raw Netty, node ws and Tether all echo them).",
            "rpc: N connections call echo(payload) or add(a, b), DEPTH calls in flight each.",
            "fanout: N subscribers of one channel; one more connection publishes through the server's"
                    + " publish(channel, data) method (tether's bench server), DEPTH unanswered at most.",
            "fanout --nodes K: K Tether nodes in this process instead of the server at --url, joined by --broker"
                    + " (each node its own broker client, all on one fresh prefix, whose keys are removed after the"
                    + " run); the subscribers are spread over the nodes in turn, the publisher is on node 1;"
                    + " deliveries and latency are reported per node too.",
            "connections: N idle connections from source addresses spread over 127.0.1.x, held for T; the"
                    + " server's /health memory per connection and the connect rate.",
            "client (a subcommand, see bench client --help): one Java TetherClient, DEPTH calls in flight on one"
                    + " connection; the same measurement as clients/typescript/bench/rpc.mjs.",
            "media (a subcommand, see bench media --help): N paced audio sessions, chunk jitter and server CPU.",
            "webrtc (a subcommand, see bench webrtc --help): N WebRTC peers, setup rate and latency, echoed audio and"
                    + " CPU per connection.",
            "",
            "Rates count at the generator; latency is send->receive (closed loop, HdrHistogram).",
            ""
        })
final class BenchCommand implements Callable<Integer> {
    /** The most nodes {@code --nodes} starts in this process. */
    static final int MAX_NODES = 16;

    @Spec
    @SuppressWarnings("NullAway.Init") // injected by picocli before call()
    private CommandSpec spec;

    // Optional to picocli only so that the subcommands (client, media, webrtc) can follow "bench"; call() still
    // requires it.
    @Parameters(
            index = "0",
            arity = "0..1",
            paramLabel = "SCENARIO",
            description = "echo, rpc, fanout or connections (or the subcommand client, media or webrtc).")
    @Nullable
    String scenario;

    @Option(
            names = "--url",
            paramLabel = "URL",
            defaultValue = "ws://127.0.0.1:8765/",
            description = "The server, on a loopback address (default: ${DEFAULT-VALUE}).")
    String url = "ws://127.0.0.1:8765/";

    @Option(
            names = {"-c", "--connections"},
            paramLabel = "N",
            defaultValue = "16",
            description = "Connections (default: ${DEFAULT-VALUE}).")
    int connections = 16;

    @Option(
            names = {"-s", "--size"},
            paramLabel = "BYTES",
            defaultValue = "64",
            description = "Payload bytes per message (default: ${DEFAULT-VALUE}).")
    int size = 64;

    @Option(
            names = {"-d", "--depth"},
            paramLabel = "D",
            defaultValue = "8",
            description = "Messages in flight per connection (default: ${DEFAULT-VALUE}).")
    int depth = 8;

    @Option(
            names = {"-t", "--duration"},
            paramLabel = "T",
            defaultValue = "10s",
            description = "How long to measure, as 10s, 1.5m (default: ${DEFAULT-VALUE}; at most 1h).")
    String duration = "10s";

    @Option(
            names = "--warmup",
            paramLabel = "T",
            defaultValue = "2s",
            description = "Load before measuring starts (default: ${DEFAULT-VALUE}).")
    String warmup = "2s";

    @Option(
            names = "--method",
            paramLabel = "NAME",
            defaultValue = "echo",
            description = "rpc only: echo, add (both on the server's I/O thread) or addOnWorker (add on a worker"
                    + " thread) (default: ${DEFAULT-VALUE}).")
    String method = "echo";

    @Option(
            names = "--threads",
            paramLabel = "K",
            defaultValue = "1",
            description = "The generator's I/O threads (default: ${DEFAULT-VALUE}).")
    int threads = 1;

    @Option(
            names = "--server-pid",
            paramLabel = "PID",
            defaultValue = "0",
            description = "The server's process id, to report its CPU use beside the generator's.")
    long serverPid;

    @Option(
            names = "--rate",
            paramLabel = "R",
            defaultValue = "0",
            description = "Messages per second in all (fanout: publications), on a fixed schedule; latency then counts"
                    + " from the scheduled time, so a stalled server shows (default: 0: closed loop, or for fanout"
                    + " as fast as the subscribers take them).")
    int rate;

    @Option(
            names = "--nodes",
            paramLabel = "K",
            description = "fanout only: start K Tether nodes in this process (1..16), on 127.0.0.1 with ports of their"
                    + " own, and measure them instead of the server at --url. More than one needs --broker"
                    + " (default: none, the server at --url).")
    @Nullable
    Integer nodes;

    @Option(
            names = "--broker",
            paramLabel = "URI",
            description = "With --nodes: the broker that joins the nodes, as tether serve --broker takes it"
                    + " (redis://HOST:PORT); every node gets its own client, all on a prefix of their own"
                    + " (default: none, which only one node allows).")
    @Nullable
    String broker;

    @Option(
            names = "--history",
            description = "With --nodes: the channel keeps a history (100 publications, 1 minute) and the"
                    + " subscribers ask for positions, so every publication takes the positioned path (with Redis:"
                    + " one script per publication, and every node, the publisher's too, delivers it when Redis"
                    + " hands it back).")
    boolean history;

    @Option(
            names = "--node-threads",
            paramLabel = "K",
            defaultValue = "1",
            description = "With --nodes: I/O threads per node (default: ${DEFAULT-VALUE}, as the bench server of"
                    + " bench/compare.sh).")
    int nodeThreads = 1;

    @Option(names = "--json", description = "Print one line of JSON instead of the table.")
    boolean json;

    @Option(
            names = "--no-progress",
            description = "No progress bar on standard error (there is none when it is not a terminal).")
    boolean noProgress;

    @Override
    public Integer call() throws InterruptedException, IOException {
        LoadOptions options = options(null);
        Integer count = nodes;
        try {
            LoadReport report = count == null ? run(options, () -> {}) : runOnNodes(count);
            spec.commandLine().getOut().println(json ? report.toJson() : report.toTable());
            return 0;
        } catch (IllegalStateException e) {
            // No server there, or none that speaks WebSocket: one line, exit code 1, like the other commands.
            throw new TetherException(String.valueOf(e.getMessage()), e);
        }
    }

    /**
     * Starts {@code count} nodes on a fresh broker prefix, runs the options over them, closes them and removes what
     * the brokers wrote under the prefix.
     */
    private LoadReport runOnNodes(int count) throws InterruptedException, IOException {
        String uri = broker;
        String prefix = uri == null
                ? ""
                : "tether-bench-" + UUID.randomUUID().toString().substring(0, 8);
        Supplier<ClusterBroker> brokers = uri == null
                ? null
                : () -> {
                    try {
                        return Brokers.open(uri, prefix);
                    } catch (IllegalArgumentException e) {
                        throw new ParameterException(spec.commandLine(), e.getMessage(), e);
                    }
                };
        try (FanoutNodes started = FanoutNodes.start(count, nodeThreads, history, brokers)) {
            LoadOptions.Cluster cluster =
                    new LoadOptions.Cluster(started.urls(), uri == null ? "none" : shown(uri), prefix, history);
            return run(options(cluster), () -> started.awaitForwarding(LoadOptions.FANOUT_CHANNEL));
        } finally {
            if (uri != null) {
                try {
                    Brokers.removeKeys(uri, prefix);
                } catch (RuntimeException e) {
                    spec.commandLine()
                            .getErr()
                            .println("tether bench: could not remove the broker's keys " + prefix + ":* (" + e + ")");
                }
            }
        }
    }

    private LoadReport run(LoadOptions options, LoadGenerator.BeforePublishing beforePublishing)
            throws InterruptedException, IOException {
        LoadReport report;
        // A bar needs a terminal to redraw in place; piped, it would print every update in a row.
        if (noProgress || System.console() == null) {
            report = LoadGenerator.run(options, LoadGenerator.Progress.none(), beforePublishing);
        } else {
            try (ProgressBar bar = progressBar(options)) {
                report = LoadGenerator.run(
                        options,
                        (fraction, rate) -> {
                            bar.stepTo(Math.round(fraction * 100));
                            bar.setExtraMessage(String.format(Locale.ROOT, "%,.0f msg/s", rate));
                        },
                        beforePublishing);
            }
        }
        return report;
    }

    /** A broker URI as the report shows it: scheme, host, port and path, no user or password. */
    static String shown(String uri) {
        try {
            URI parsed = new URI(uri);
            return parsed.getScheme() + "://" + parsed.getHost() + (parsed.getPort() < 0 ? "" : ":" + parsed.getPort())
                    + (parsed.getPath() == null ? "" : parsed.getPath());
        } catch (URISyntaxException e) {
            return "(unparseable)";
        }
    }

    /** Refuses what does not go with {@code --nodes}, or what is missing for it, before anything starts. */
    private void checkNodes(Scenario kind) {
        Integer count = nodes;
        if (count == null) {
            if (broker != null || history) {
                throw new IllegalArgumentException((broker != null ? "--broker" : "--history")
                        + ": only with --nodes K (expected: the nodes this process starts; a server at --url has its"
                        + " own broker)");
            }
            return;
        }
        if (kind != Scenario.FANOUT) {
            throw new IllegalArgumentException("--nodes: only for fanout (expected: no --nodes for "
                    + kind.name().toLowerCase(Locale.ROOT) + ")");
        }
        if (count < 1 || count > MAX_NODES) {
            throw new IllegalArgumentException("--nodes: " + count + " (expected: 1.." + MAX_NODES + ")");
        }
        if (count > 1 && broker == null) {
            throw new IllegalArgumentException("--nodes: " + count + " needs --broker URI to join them (expected:"
                    + " a broker such as --broker redis://127.0.0.1:6379)");
        }
        if (connections < count) {
            throw new IllegalArgumentException("--connections: " + connections + " (expected: at least one"
                    + " subscriber per node, " + count + ")");
        }
        if (nodeThreads < 1 || nodeThreads > 64) {
            throw new IllegalArgumentException("--node-threads: " + nodeThreads + " (expected: 1..64)");
        }
        if (spec.commandLine().getParseResult().hasMatchedOption("--url")) {
            throw new IllegalArgumentException(
                    "--url: not with --nodes (expected: one of them; the nodes run in this process)");
        }
        if (serverPid != 0) {
            throw new IllegalArgumentException(
                    "--server-pid: not with --nodes (expected: none; the nodes run in this process)");
        }
    }

    /**
     * The options given, against the server at {@code --url}; with {@code cluster}, over its nodes (publishing on the
     * first). Without a cluster it also checks the options that go with {@code --nodes}, before anything starts.
     */
    private LoadOptions options(LoadOptions.@Nullable Cluster cluster) {
        String scenario = this.scenario;
        if (scenario == null) {
            throw new ParameterException(spec.commandLine(), "Missing required parameter: 'SCENARIO'");
        }
        try {
            Scenario kind = switch (scenario) {
                case "echo" -> Scenario.ECHO;
                case "rpc" -> Scenario.RPC;
                case "fanout" -> Scenario.FANOUT;
                case "connections" -> Scenario.CONNECTIONS;
                default ->
                    throw new IllegalArgumentException(
                            "scenario: " + scenario + " (expected: echo, rpc, fanout or connections)");
            };
            checkNodes(kind);
            return new LoadOptions(
                    kind,
                    cluster == null ? URI.create(url) : cluster.nodes().get(0),
                    connections,
                    size,
                    depth,
                    period("duration", duration),
                    period("warmup", warmup),
                    method,
                    threads,
                    serverPid,
                    rate,
                    cluster);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

    /** Parses a period option, naming the option and the expected form when it is not one. */
    static Duration period(String name, String value) {
        try {
            return Durations.parsePeriod(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: a number and s, m or h, as 10s)", e);
        }
    }

    private static ProgressBar progressBar(LoadOptions options) {
        return new ProgressBarBuilder()
                .setTaskName(options.scenario().name().toLowerCase(Locale.ROOT))
                .setInitialMax(100)
                .setUnit("%", 1)
                .hideEta()
                .setUpdateIntervalMillis(250)
                .build();
    }
}
