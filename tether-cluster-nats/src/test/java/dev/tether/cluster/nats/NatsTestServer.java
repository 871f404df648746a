package dev.tether.cluster.nats;

import io.nats.client.Connection;
import io.nats.client.ErrorListener;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * A NATS server for tests: the shared one at 127.0.0.1:4222, or a private {@code nats-server} child process on a
 * free port with its own store directory, which a test can kill and start again.
 */
final class NatsTestServer implements AutoCloseable {
    static final String SHARED_URL = "nats://127.0.0.1:4222";
    private static final String BINARY = "nats-server";

    private final String url;
    private final int port;
    private final Path storeDir;
    private final Connection admin;
    private @Nullable Process process;

    private NatsTestServer(String url, int port, Path storeDir, @Nullable Process process) throws Exception {
        this.url = url;
        this.port = port;
        this.storeDir = storeDir;
        this.process = process;
        this.admin = Nats.connect(new Options.Builder()
                .server(url)
                .maxReconnects(-1)
                .reconnectWait(Duration.ofMillis(100))
                .errorListener(new ErrorListener() {}) // quiet: the tests kill the server on purpose
                .build());
    }

    private static @Nullable NatsTestServer shared;

    /** The NATS server every test run shares, with one admin connection for the whole JVM. */
    static synchronized NatsTestServer shared() {
        if (shared == null) {
            try {
                shared = new NatsTestServer(SHARED_URL, 4222, Path.of("/nonexistent"), null);
            } catch (Exception e) {
                throw new IllegalStateException("no NATS at " + SHARED_URL + " (scripts/ensure-services.sh?)", e);
            }
        }
        return shared;
    }

    /** Starts a private JetStream server on a free port, its store in a new temporary directory. */
    static NatsTestServer startPrivate() throws Exception {
        Path store = Files.createTempDirectory("tether-nats-test");
        for (int attempt = 1; ; attempt++) {
            int port = freePort();
            Process process = launch(port, store);
            if (awaitListening(process, port)) {
                return new NatsTestServer("nats://127.0.0.1:" + port, port, store, process);
            }
            process.destroyForcibly().waitFor();
            if (attempt == 5) {
                throw new IOException("nats-server did not start on a free port in 5 attempts");
            }
        }
    }

    /** A port nothing listens on now; another process may take it before us, so starting it is retried. */
    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static Process launch(int port, Path store) throws IOException {
        return new ProcessBuilder(
                        BINARY, "-a", "127.0.0.1", "-p", Integer.toString(port), "-js", "-sd", store.toString())
                .redirectErrorStream(true)
                .redirectOutput(store.resolve("nats-server-" + port + ".log").toFile())
                .start();
    }

    /** Whether the process accepts connections on {@code port} within 10 s (it exits when the port is taken). */
    private static boolean awaitListening(Process process, int port) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                return false;
            }
            try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
                return true;
            } catch (IOException notYet) {
                process.waitFor(20, TimeUnit.MILLISECONDS);
            }
        }
        return false;
    }

    String url() {
        return url;
    }

    int port() {
        return port;
    }

    /** Kills the private server at once, as a crash would. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    /** Starts the private server again on the same port and store. */
    void restart() throws Exception {
        process = launch(port, storeDir);
        if (!awaitListening(process, port)) {
            throw new IOException("nats-server did not start again on port " + port);
        }
    }

    /** Admin access for assertions and clean-up. */
    JetStreamManagement jsm() throws IOException {
        return admin.jetStreamManagement();
    }

    /** Deletes the streams (and key-value buckets) whose names start with {@code prefix}. */
    void deleteStreams(String prefix) throws Exception {
        JetStreamManagement jsm = jsm();
        List<String> names = jsm.getStreamNames();
        for (String name : names) {
            if (name.startsWith(prefix + "_") || name.startsWith("KV_" + prefix + "_")) {
                jsm.deleteStream(name);
            }
        }
    }

    /** A prefix no other test uses: letters and digits of a random UUID. */
    static String uniquePrefix() {
        return "t" + UUID.randomUUID().toString().replace("-", "");
    }

    @Override
    public void close() throws Exception {
        admin.close();
        if (process != null) {
            process.destroyForcibly().waitFor();
            try (Stream<Path> files = Files.walk(storeDir)) {
                files.sorted(Comparator.reverseOrder())
                        .forEach(path -> path.toFile().delete());
            }
        }
    }
}
