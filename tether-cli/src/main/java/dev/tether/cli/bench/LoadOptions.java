package dev.tether.cli.bench;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One run of the load generator: where, what, how much and for how long.
 *
 * @param url the server, {@code ws://} on a loopback address
 * @param connections how many WebSocket connections send at once
 * @param payloadBytes the payload of each message (the echoed bytes, or the argument of {@code echo})
 * @param depth how many messages each connection keeps in flight (the pipeline depth)
 * @param duration how long the measurement runs, after the warm-up
 * @param warmup how long the load runs before counting starts
 * @param method the RPC method for {@link Scenario#RPC}: one of {@link #METHODS}
 * @param ioThreads the generator's Netty threads
 * @param serverPid the server's process id, whose CPU use the report shows; {@code 0} when unknown
 * @param rate messages per second in all (FANOUT: publications), sent on a fixed schedule with latency measured
 *     from it; {@code 0} for closed loop (the next message goes when one comes back, or, FANOUT, as fast as the
 *     subscribers take them); not for CONNECTIONS
 * @param cluster FANOUT over several nodes in this process ({@code url} is the first), or {@code null} for the one
 *     server at {@code url}
 */
public record LoadOptions(
        Scenario scenario,
        URI url,
        int connections,
        int payloadBytes,
        int depth,
        Duration duration,
        Duration warmup,
        String method,
        int ioThreads,
        long serverPid,
        int rate,
        @Nullable Cluster cluster) {

    /** The channel {@link Scenario#FANOUT} publishes to. */
    public static final String FANOUT_CHANNEL = "bench.fanout";

    /**
     * The RPC methods of the bench server ({@code EchoHandler} in tether-bench; the demo server of
     * {@code tether serve} has {@code echo} and {@code add} too): {@code echo(payload)} and {@code add(a, b)} never
     * block and run on the I/O thread; {@code addOnWorker(a, b)} is {@code add} as a plain method, on a worker.
     */
    public static final List<String> METHODS = List.of("echo", "add", "addOnWorker");

    /** The longest run the generator accepts: every run stops by itself. */
    public static final Duration MAX_DURATION = Duration.ofHours(1);

    public LoadOptions {
        check(connections, 1, 100_000, "connections");
        check(payloadBytes, 0, 16 * 1024 * 1024, "payloadBytes");
        check(depth, 1, 10_000, "depth");
        check(ioThreads, 1, 64, "ioThreads");
        check(rate, 0, 10_000_000, "rate");
        if (rate > 0 && scenario == Scenario.CONNECTIONS) {
            throw new IllegalArgumentException("rate: " + rate + " (expected: 0 for connections, which sends nothing)");
        }
        if (duration.isNegative() || duration.isZero() || duration.compareTo(MAX_DURATION) > 0) {
            throw new IllegalArgumentException("duration: " + duration + " (expected: > 0 and <= 1 hour)");
        }
        if (warmup.isNegative() || warmup.compareTo(MAX_DURATION) > 0) {
            throw new IllegalArgumentException("warmup: " + warmup + " (expected: >= 0 and <= 1 hour)");
        }
        if (!METHODS.contains(method)) {
            throw new IllegalArgumentException("method: " + method + " (expected: one of " + METHODS + ")");
        }
        String scheme = url.getScheme();
        if (!"ws".equals(scheme)) {
            throw new IllegalArgumentException("url: " + url + " (expected: ws://HOST:PORT/)");
        }
        requireLoopback(url);
        if (cluster != null) {
            if (scenario != Scenario.FANOUT) {
                throw new IllegalArgumentException(
                        "nodes: " + cluster.nodes().size() + " (expected: only for fanout, not " + scenario + ")");
            }
            if (!cluster.nodes().get(0).equals(url)) {
                throw new IllegalArgumentException("url: " + url + " (expected: the first node, "
                        + cluster.nodes().get(0) + ")");
            }
            if (connections < cluster.nodes().size()) {
                throw new IllegalArgumentException("connections: " + connections + " (expected: at least one"
                        + " subscriber per node, " + cluster.nodes().size() + ")");
            }
        }
    }

    /**
     * FANOUT over several nodes in this process, which {@link FanoutNodes} starts: subscriber {@code i} connects to
     * {@code nodes[i % n]}, the publisher to the first node.
     *
     * @param broker the broker that joins the nodes as the report names it (no password), or {@code "none"}
     * @param prefix what the broker's keys and subjects start with for this run ({@code ""} without a broker)
     * @param history whether the channel keeps a history: then every publication gets its position from the broker
     *     (Redis: one script per publication) and the subscribers ask for positions, so that every delivery, the
     *     publishing node's included, waits for it; otherwise the publishing node delivers at once and the broker
     *     carries the publication to the others (Redis: one PUBLISH)
     */
    public record Cluster(List<URI> nodes, String broker, String prefix, boolean history) {
        public Cluster {
            nodes = List.copyOf(nodes);
            if (nodes.isEmpty()) {
                throw new IllegalArgumentException("nodes: none (expected: at least one)");
            }
            for (URI node : nodes) {
                requireLoopback(node);
            }
        }

        /** Whether a broker joins the nodes (then {@code prefix} is set). */
        public boolean hasBroker() {
            return !prefix.isEmpty();
        }
    }

    /**
     * Fails unless {@code url}'s host is a loopback address: the generator is a measuring instrument for this
     * machine, not a tool for loading other people's servers.
     */
    public static void requireLoopback(URI url) {
        String host = url.getHost();
        if (host == null) {
            throw new IllegalArgumentException("url: " + url + " (expected: ws://HOST:PORT/ with a host)");
        }
        try {
            InetAddress address = InetAddress.getByName(host);
            if (!address.isLoopbackAddress()) {
                throw new IllegalArgumentException("host: " + host + " is " + address.getHostAddress()
                        + " (expected: a loopback address such as 127.0.0.1 or localhost;"
                        + " tether bench only measures servers on this machine)");
            }
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(
                    "host: " + host + " (expected: a loopback address; it does not resolve)");
        }
    }

    /** The port of {@code url}, or 80 when it names none. */
    static int port(URI url) {
        return url.getPort() < 0 ? 80 : url.getPort();
    }

    private static void check(int value, int min, int max, String name) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: " + min + ".." + max + ")");
        }
    }
}
