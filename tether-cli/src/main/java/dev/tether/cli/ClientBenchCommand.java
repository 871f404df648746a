package dev.tether.cli;

import dev.tether.cli.bench.ClientLoad;
import dev.tether.cli.bench.ClientReport;
import java.net.URI;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code tether bench client}: the RPC throughput of one {@code TetherClient} on one connection, closed loop, with
 * the same options and JSON keys as {@code clients/typescript/bench/rpc.mjs}, so that the Java and the TypeScript
 * client compare side by side.
 */
@Command(
        name = "client",
        mixinStandardHelpOptions = true,
        description = {
            "Measures the Java client library: one TetherClient (MessagePack, its defaults), one connection, DEPTH"
                    + " calls in flight; each answer issues the next call (closed loop).",
            "",
            "add calls add(1, 2); echo calls echo(s) with a string of SIZE ASCII characters. Every answer is checked.",
            "calls/s and latency (call -> answer, HdrHistogram, ms) count the calls answered in the window; errors"
                    + " count the whole run; cpu is this process's, in cores over the window.",
            "The JSON line has the keys of clients/typescript/bench/rpc.mjs: client, method, size, depth, duration_s,"
                    + " calls, calls_per_s, p50_ms, p90_ms, p99_ms, max_ms, errors, cpu_cores.",
            ""
        })
final class ClientBenchCommand implements Callable<Integer> {
    @Spec
    @SuppressWarnings("NullAway.Init") // injected by picocli before call()
    private CommandSpec spec;

    @Option(
            names = "--url",
            paramLabel = "URL",
            defaultValue = "ws://127.0.0.1:8765/",
            description = "The server, on a loopback address (default: ${DEFAULT-VALUE}).")
    String url = "ws://127.0.0.1:8765/";

    @Option(
            names = "--method",
            paramLabel = "NAME",
            defaultValue = "add",
            description = "add or echo (default: ${DEFAULT-VALUE}).")
    String method = "add";

    @Option(
            names = {"-s", "--size"},
            paramLabel = "CHARS",
            defaultValue = "64",
            description = "echo only: characters of the string echoed (default: ${DEFAULT-VALUE}).")
    int size = 64;

    @Option(
            names = {"-d", "--depth"},
            paramLabel = "D",
            defaultValue = "64",
            description = "Calls in flight, 1.." + ClientLoad.MAX_DEPTH + " (default: ${DEFAULT-VALUE}).")
    int depth = 64;

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
            description = "Calls before measuring starts (default: ${DEFAULT-VALUE}).")
    String warmup = "2s";

    @Option(names = "--json", description = "Print one line of JSON instead of the table.")
    boolean json;

    @Override
    public Integer call() throws InterruptedException {
        ClientLoad.Options options;
        try {
            options = new ClientLoad.Options(
                    URI.create(url),
                    method,
                    size,
                    depth,
                    BenchCommand.period("duration", duration),
                    BenchCommand.period("warmup", warmup));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        ClientReport report = ClientLoad.run(options);
        String first = report.firstError();
        if (json && first != null) {
            spec.commandLine().getErr().println("tether bench client: first error: " + first);
        }
        spec.commandLine().getOut().println(json ? report.toJson() : report.toTable());
        return 0;
    }
}
