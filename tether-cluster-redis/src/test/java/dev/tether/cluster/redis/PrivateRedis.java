package dev.tether.cluster.redis;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A redis-server of one test, a child process on a free port with nothing saved to disk, which the test can kill
 * (SIGKILL) and start again on the same port.
 */
final class PrivateRedis implements AutoCloseable {
    private static final Duration STARTUP = Duration.ofSeconds(10);

    private final Path dir;
    private int port;
    private int launches;
    private Process process;

    private PrivateRedis(Path dir) {
        this.dir = dir;
    }

    /** Starts redis-server with extra {@code config} (arguments as redis-server reads them) on a free port. */
    static PrivateRedis start(String... config) throws IOException {
        PrivateRedis redis = new PrivateRedis(Files.createTempDirectory("tether-redis-"));
        for (int attempt = 0; attempt < 5; attempt++) {
            redis.port = freePort();
            if (redis.launch(config)) {
                return redis;
            }
        }
        throw new AssertionError("redis-server did not start on a free port; see " + redis.dir);
    }

    /** Starts it again on the same port after {@link #kill()}, with {@code config}. */
    void restart(String... config) throws IOException {
        for (int attempt = 0; attempt < 5; attempt++) {
            if (launch(config)) {
                return;
            }
        }
        throw new AssertionError("redis-server did not start again on port " + port + "; see " + dir);
    }

    /** Kills it with SIGKILL: no chance to tell its clients, and everything it held is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    int port() {
        return port;
    }

    String uri() {
        return "redis://127.0.0.1:" + port;
    }

    String uri(String user, String password) {
        return "redis://" + user + ":" + password + "@127.0.0.1:" + port;
    }

    @Override
    public void close() throws Exception {
        if (process != null) {
            kill();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        }
    }

    /** Whether redis-server started: it logs that it is ready, or it exits (another process took the port). */
    private boolean launch(String... config) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                "redis-server",
                "--port",
                Integer.toString(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                dir.toString()));
        command.addAll(List.of(config));
        Path log = dir.resolve("redis-" + ++launches + ".log");
        try {
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
        } catch (IOException e) {
            throw new AssertionError("no redis-server on the PATH (scripts/ensure-services.sh redis installs it)", e);
        }
        Process started = process;
        await().atMost(STARTUP).until(() -> !started.isAlive() || ready(log));
        return started.isAlive();
    }

    private static boolean ready(Path log) {
        try {
            return Files.readString(log).contains("Ready to accept connections");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
