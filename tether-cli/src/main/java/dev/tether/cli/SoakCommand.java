package dev.tether.cli;

import dev.tether.cli.soak.Soak;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code tether soak}: drives a demo server on this machine with mixed load for a while, samples its memory, threads,
 * file descriptors and RPC latency, and fails when one of them grew (docs/reliability.md).
 */
@Command(
        name = "soak",
        mixinStandardHelpOptions = true,
        description = {
            "Soaks a demo server (tether serve) on this machine: mixed load for a duration, a sample of the server"
                    + " every interval, and a verdict on growth. scripts/soak.sh starts a server and runs this.",
            "",
            "Load (shares of --connections): 45 % RPC clients calling add and echo (--rpc-rate in all), 10 % running"
                    + " count streams (every fourth cancelled), 20 % chat subscribers in 4 rooms, 5 % speakers"
                    + " (--chat-rate in all), 10 % stalled readers (raw sockets that join every room and stop"
                    + " reading, then reset), 10 % churners (connect, call, end by a close handshake, a reset or a"
                    + " FIN, again).",
            "Samples (GET /metrics): heap after GC (with --server-pid: jcmd PID GC.run before each sample), Netty's"
                    + " and the JVM's direct memory, live threads, open file descriptors, connections; p99 of the"
                    + " RPC calls answered in the interval.",
            "Verdict: after the warm-up, the median of the last third of the samples against the median of the"
                    + " second third, with a tolerance per resource. Exit code 1 names what grew.",
            ""
        })
final class SoakCommand implements Callable<Integer> {
    @Spec
    @SuppressWarnings("NullAway.Init") // injected by picocli before call()
    private CommandSpec spec;

    @Option(
            names = "--url",
            paramLabel = "URL",
            defaultValue = "ws://127.0.0.1:8765/",
            description = "The demo server, on a loopback address (default: ${DEFAULT-VALUE}).")
    String url = "ws://127.0.0.1:8765/";

    @Option(
            names = {"-t", "--duration"},
            paramLabel = "T",
            defaultValue = "10m",
            description = "How long to soak, as 90s, 10m, 2h (default: ${DEFAULT-VALUE}; at most 24h).")
    String duration = "10m";

    @Option(
            names = "--interval",
            paramLabel = "T",
            defaultValue = "10s",
            description = "Time between samples (default: ${DEFAULT-VALUE}).")
    String interval = "10s";

    @Option(
            names = "--warmup",
            paramLabel = "T",
            defaultValue = "1m",
            description = "Samples in this first part are shown but not judged (default: ${DEFAULT-VALUE}).")
    String warmup = "1m";

    @Option(
            names = {"-c", "--connections"},
            paramLabel = "N",
            defaultValue = "200",
            description = "Connections, shared out among the kinds of load (default: ${DEFAULT-VALUE}).")
    int connections = 200;

    @Option(
            names = "--rpc-rate",
            paramLabel = "R",
            defaultValue = "1000",
            description = "RPC calls per second, all RPC clients together (default: ${DEFAULT-VALUE}).")
    int rpcRate = 1000;

    @Option(
            names = "--chat-rate",
            paramLabel = "R",
            defaultValue = "200",
            description = "Chat messages said per second, all speakers together (default: ${DEFAULT-VALUE}).")
    int chatRate = 200;

    @Option(
            names = {"-s", "--message-size"},
            paramLabel = "CHARS",
            defaultValue = "1024",
            description = "Characters of each chat message and echo argument (default: ${DEFAULT-VALUE}).")
    int messageBytes = 1024;

    @Option(
            names = "--stall",
            paramLabel = "MIN..MAX",
            defaultValue = "30s..120s",
            description = "How long a stalled reader holds its socket before it resets it and starts again, a random"
                    + " time in this range (default: ${DEFAULT-VALUE}).")
    String stall = "30s..120s";

    @Option(
            names = "--server-pid",
            paramLabel = "PID",
            defaultValue = "0",
            description = "The server's process id (on this machine): a full GC there before each sample, with"
                    + " jcmd, so that the heap is measured after GC (default: none; then the old generation after"
                    + " the last GC, jvm.gc.live.data.size, when the server exports it).")
    long serverPid;

    @Option(names = "--csv", paramLabel = "FILE", description = "Also write the samples to FILE, one line each.")
    @Nullable
    Path csv;

    @Override
    public Integer call() throws IOException, InterruptedException {
        Soak.Options options;
        try {
            String[] range = stall.split("\\.\\.", -1);
            if (range.length != 2) {
                throw new IllegalArgumentException("stall: " + stall + " (expected: MIN..MAX, as 30s..120s)");
            }
            options = new Soak.Options(
                    URI.create(url),
                    connections,
                    rpcRate,
                    chatRate,
                    messageBytes,
                    BenchCommand.period("duration", duration),
                    BenchCommand.period("interval", interval),
                    BenchCommand.period("warmup", warmup),
                    BenchCommand.period("stall", range[0]),
                    BenchCommand.period("stall", range[1]),
                    serverPid,
                    csv);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        PrintWriter out = spec.commandLine().getOut();
        Soak.Report report = Soak.run(options, out);
        out.println(report.summary());
        out.flush();
        if (!report.passed()) {
            spec.commandLine()
                    .getErr()
                    .println("tether soak: "
                            + report.summary().lines().reduce((a, b) -> b).orElse(""));
            return 1;
        }
        return 0;
    }
}
