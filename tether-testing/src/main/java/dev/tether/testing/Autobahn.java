package dev.tether.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Runs Autobahn|Testsuite ({@code wstest}, the WebSocket conformance suite) from a test: against a server
 * ({@link #fuzzingClient}) or as the server a client under test connects to ({@link #fuzzingServer}), then reads
 * its report ({@link #results}).
 *
 * <p>The suite is not a Maven artifact: it is {@code ../shared/tools/autobahn/wstest.sh} beside the checkout, with
 * CPython 2.7 (see its README). {@link #missing()} says why it cannot run here, so that a test can skip with one
 * clear line on a machine without it.
 */
public final class Autobahn {
    /** The verdicts of a case that pass: the strict one, an allowed variant, and "nothing to judge". */
    public static final Set<String> PASSING = Set.of("OK", "NON-STRICT", "INFORMATIONAL");

    private static final ObjectMapper JSON = new ObjectMapper();

    private Autobahn() {}

    /** One case of a report: its id ({@code 9.3.1}), verdict, verdict on the closing handshake and duration. */
    public record CaseResult(String id, String behavior, String behaviorClose, long durationMillis) {

        /** Whether both verdicts pass ({@link #PASSING}). */
        public boolean passed() {
            return PASSING.contains(behavior) && PASSING.contains(behaviorClose);
        }

        @Override
        public String toString() {
            return id + ": " + behavior + " / close " + behaviorClose + " (" + durationMillis + " ms)";
        }
    }

    /**
     * {@code wstest.sh}: the {@code TETHER_WSTEST} environment variable when set, otherwise
     * {@code shared/tools/autobahn/wstest.sh} in the folder that holds the checkout, found by walking up from the
     * working directory.
     */
    public static Path wstest() {
        String configured = System.getenv("TETHER_WSTEST");
        if (configured != null && !configured.isEmpty()) {
            return Path.of(configured).toAbsolutePath();
        }
        Path relative = Path.of("shared", "tools", "autobahn", "wstest.sh");
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(relative);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        return Path.of("..", "shared", "tools", "autobahn", "wstest.sh").toAbsolutePath();
    }

    /**
     * Why the suite cannot run on this machine, or {@code null} when it can: no {@code wstest.sh}, or no CPython
     * 2.7 where it looks for one ({@code PY27}, by default pyenv's 2.7.18).
     */
    public static @Nullable String missing() {
        Path wstest = wstest();
        if (!Files.isExecutable(wstest)) {
            return "no Autobahn|Testsuite at " + wstest;
        }
        String py27 = Optional.ofNullable(System.getenv("PY27")).orElse("/root/.pyenv/versions/2.7.18/bin/python2.7");
        if (!Files.isExecutable(Path.of(py27))) {
            return "no CPython 2.7 at " + py27 + " for " + wstest;
        }
        return null;
    }

    /**
     * Starts {@code wstest -m fuzzingclient} against the server at {@code url} for {@code cases} (patterns such as
     * {@code 9.*}), its spec, output and report in {@code dir}. The process ends when every case has run.
     */
    public static Process fuzzingClient(Path dir, String agent, URI url, List<String> cases) {
        ObjectNode server = JSON.createObjectNode().put("agent", agent).put("url", url.toString());
        ObjectNode spec = JSON.createObjectNode();
        spec.put("outdir", reports(dir).toString());
        spec.putArray("servers").add(server);
        cases.forEach(spec.putArray("cases")::add);
        spec.putArray("exclude-cases");
        spec.putObject("exclude-agent-cases");
        return start(dir, "fuzzingclient", spec);
    }

    /**
     * Starts {@code wstest -m fuzzingserver} on {@code 127.0.0.1:port} for {@code cases}, its spec, output and
     * report in {@code dir}, and returns once it has loaded its cases (it listens a moment later; connect with
     * retries). It runs until destroyed.
     */
    public static Process fuzzingServer(Path dir, int port, List<String> cases) {
        ObjectNode spec = JSON.createObjectNode();
        spec.put("url", "ws://127.0.0.1:" + port);
        spec.put("outdir", reports(dir).toString());
        cases.forEach(spec.putArray("cases")::add);
        Process process = start(dir, "fuzzingserver", spec);
        try {
            waitForLine(dir.resolve("wstest.log"), process, "Ok, will run");
        } catch (IOException e) {
            process.destroyForcibly();
            throw new UncheckedIOException(e);
        }
        return process;
    }

    /** Every case of {@code agent} in the report {@code dir} holds, by case id in the suite's order. */
    public static List<CaseResult> results(Path dir, String agent) {
        Path index = reports(dir).resolve("index.json");
        JsonNode cases;
        try {
            cases = JSON.readTree(index.toFile()).path(agent);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read the Autobahn report " + index, e);
        }
        Map<List<Integer>, CaseResult> ordered = new TreeMap<>(Autobahn::compareIds);
        for (Iterator<Map.Entry<String, JsonNode>> it = cases.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            JsonNode result = entry.getValue();
            ordered.put(
                    idParts(entry.getKey()),
                    new CaseResult(
                            entry.getKey(),
                            result.path("behavior").asText(),
                            result.path("behaviorClose").asText(),
                            result.path("duration").asLong()));
        }
        return List.copyOf(ordered.values());
    }

    private static Path reports(Path dir) {
        return dir.toAbsolutePath().resolve("reports");
    }

    private static Process start(Path dir, String mode, ObjectNode spec) {
        try {
            Files.createDirectories(dir);
            Path specFile = dir.toAbsolutePath().resolve("spec.json");
            JSON.writerWithDefaultPrettyPrinter().writeValue(specFile.toFile(), spec);
            return new ProcessBuilder(wstest().toString(), "-m", mode, "-s", specFile.toString())
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("wstest.log").toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start " + wstest() + " -m " + mode, e);
        }
    }

    /**
     * Reads {@code log} as {@code process} writes it until a line contains {@code marker}. Reading a growing file
     * has no event to wait on, so this polls it, briefly: the marker comes within a second or two of the start.
     */
    private static void waitForLine(Path log, Process process, String marker) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        try (BufferedReader reader =
                new BufferedReader(new InputStreamReader(Files.newInputStream(log), StandardCharsets.UTF_8))) {
            StringBuilder seen = new StringBuilder();
            while (System.nanoTime() < deadline) {
                String line = reader.readLine();
                if (line == null) {
                    if (!process.isAlive()) {
                        throw new IOException("wstest ended before it was ready (exit " + process.exitValue()
                                + "); it said:\n" + seen);
                    }
                    try {
                        process.waitFor(20, TimeUnit.MILLISECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IOException("Interrupted while waiting for wstest", e);
                    }
                    continue;
                }
                seen.append(line).append('\n');
                if (line.contains(marker)) {
                    return;
                }
            }
            throw new IOException("wstest did not say '" + marker + "' within 60 s; it said:\n" + seen);
        }
    }

    private static List<Integer> idParts(String id) {
        List<Integer> parts = new ArrayList<>();
        for (String part : id.split("\\.", -1)) {
            parts.add(Integer.parseInt(part));
        }
        return parts;
    }

    private static int compareIds(List<Integer> a, List<Integer> b) {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            int c = Integer.compare(a.get(i), b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    }
}
