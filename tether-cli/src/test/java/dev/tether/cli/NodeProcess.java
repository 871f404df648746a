package dev.tether.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code tether serve} in a process of its own, as a node of a cluster: started with the test's class path, its
 * port read from its log ("Demo page: http://127.0.0.1:PORT/"), killed with SIGKILL or stopped with SIGTERM.
 */
final class NodeProcess implements AutoCloseable {
    private static final Pattern PAGE = Pattern.compile("Demo page: http://127\\.0\\.0\\.1:(\\d+)/");

    private final Process process;
    private final int port;

    private NodeProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts {@code tether serve --port PORT ARGS…} and waits (at most 60 s) until it serves. */
    static NodeProcess start(int port, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                TetherCli.class.getName(),
                "serve",
                "--port",
                String.valueOf(port)));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        CompletableFuture<Integer> served = new CompletableFuture<>();
        List<String> lines = new ArrayList<>();
        Thread reader = new Thread(
                () -> {
                    try (BufferedReader out = new BufferedReader(
                            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                        for (String line = out.readLine(); line != null; line = out.readLine()) {
                            synchronized (lines) {
                                lines.add(line);
                            }
                            Matcher page = PAGE.matcher(line);
                            if (page.find()) {
                                served.complete(Integer.parseInt(page.group(1)));
                            }
                        }
                    } catch (IOException ended) {
                        // the process is gone
                    }
                    served.completeExceptionally(new IllegalStateException("tether serve ended: " + lines));
                },
                "node-log");
        reader.setDaemon(true);
        reader.start();
        try {
            return new NodeProcess(process, served.get(60, TimeUnit.SECONDS));
        } catch (Exception e) {
            process.destroyForcibly();
            throw new IllegalStateException("tether serve did not start: " + lines, e);
        }
    }

    int port() {
        return port;
    }

    String url() {
        return "ws://127.0.0.1:" + port + "/";
    }

    /** Kills the process at once (SIGKILL): no close frames, no presence leaves, nothing flushed. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(15, TimeUnit.SECONDS);
        }
    }
}
