package dev.tether.bench.servers;

import dev.tether.server.HttpResponse;
import dev.tether.server.InboundRateAction;
import dev.tether.server.TetherServer;
import io.netty.util.Version;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

/**
 * Starts an echo server for {@code bench/compare.sh} and runs it until the process is stopped:
 *
 * <pre>
 * java -cp tether-bench/target/benchmarks.jar dev.tether.bench.servers.EchoServers raw|vertx|tether PORT [IO_THREADS]
 * </pre>
 *
 * {@code raw} is {@link RawEchoServer}, {@code vertx} is {@link VertxEchoServer}, {@code tether} is {@link #tether}
 * with {@link EchoHandler}. Each binds 127.0.0.1, prints {@code version NAME X} (the version of what it runs on,
 * for the table) and then {@code listening PORT} once it accepts connections.
 */
public final class EchoServers {
    private EchoServers() {}

    /**
     * A Tether server on 127.0.0.1 whose handler echoes packets and publishes on request, and whose clients may
     * subscribe to any channel; built and not started.
     */
    public static TetherServer tether(int port, int ioThreads) {
        EchoHandler handler = new EchoHandler();
        TetherServer server = TetherServer.builder()
                .host("127.0.0.1")
                .port(port)
                .ioThreads(ioThreads)
                .handler(handler)
                .clientSubscriptions((session, name) -> true)
                .idleTimeout(Duration.ZERO)
                // A generator sends as fast as the server answers, far past the internet default of 1000 per second.
                .inboundRate(0, 0, InboundRateAction.THROTTLE)
                // For `tether bench connections`: the heap right after a full collection, so that memory per
                // connection is what the connections keep, not garbage. A bench server only: it stops the world.
                .httpEndpoint("/bench/gc", request -> {
                    System.gc();
                    Runtime runtime = Runtime.getRuntime();
                    long used = runtime.totalMemory() - runtime.freeMemory();
                    return CompletableFuture.completedFuture(
                            HttpResponse.json(200, "{\"heapUsedBytes\":" + used + "}"));
                })
                .build();
        handler.serveOn(server);
        return server;
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2 || !List.of("raw", "vertx", "tether").contains(args[0])) {
            System.err.println("usage: EchoServers raw|vertx|tether PORT [IO_THREADS] (expected: a kind and a port)");
            System.exit(2);
            return;
        }
        int port = Integer.parseInt(args[1]);
        int ioThreads = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        AutoCloseable server;
        int bound;
        // Every Netty module has the same version; netty-common is always there.
        Version common = Version.identify().get("netty-common");
        String netty = common == null ? "unknown" : common.artifactVersion();
        if (args[0].equals("raw")) {
            RawEchoServer raw = RawEchoServer.start("127.0.0.1", port, ioThreads);
            server = raw;
            bound = raw.port();
            System.out.println("version Netty " + netty);
        } else if (args[0].equals("vertx")) {
            VertxEchoServer vertx = VertxEchoServer.start("127.0.0.1", port, ioThreads);
            server = vertx;
            bound = vertx.port();
            System.out.println("version Vert.x " + VertxEchoServer.version() + " (Netty " + netty + ")");
        } else {
            TetherServer tether = tether(port, ioThreads).start();
            server = tether;
            bound = tether.port();
            System.out.println("version Netty " + netty);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            try {
                                server.close();
                            } catch (Exception e) {
                                System.err.println("closing: " + e);
                            }
                            stopped.countDown();
                        },
                        "echo-server-shutdown"));
        System.out.println("listening " + bound);
        stopped.await();
    }
}
