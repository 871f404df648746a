package dev.tether.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tether.server.TetherServer;
import dev.tether.testing.Autobahn;
import dev.tether.testing.Autobahn.CaseResult;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Autobahn|Testsuite against the demo's raw echo endpoint: families 1-10 and the first part of the
 * permessage-deflate families (12.1, 13.1) on every run; {@code scripts/autobahn.sh} runs all of 12 and 13 and
 * writes docs/conformance.md. Skipped, with the reason, where the suite is not installed.
 *
 * <p>The suite's Python client is the slow side (most of its time goes to validating UTF-8 it receives), so the
 * cases run as two wstest processes side by side, one per core of a CI machine, each with its own report.
 */
class AutobahnServerTest {
    private static final String AGENT = "tether";

    /** The cases of each wstest process, split so that both take about as long (3 minutes here). */
    private static final List<List<String>> RUNS = List.of(
            List.of("1.*", "2.*", "3.*", "4.*", "5.*", "6.*", "7.*", "8.*", "9.*", "10.*", "12.1.*"),
            List.of("13.1.*"));

    /** 301 cases in families 1-10, 18 in 12.1 and 18 in 13.1: fewer means wstest did not run them all. */
    private static final int EXPECTED_CASES = 337;

    @Test
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void demoEchoPassesEveryCaseOfFamilies1To10And12_1And13_1() throws Exception {
        String missing = Autobahn.missing();
        assumeTrue(missing == null, () -> "Autobahn|Testsuite skipped: " + missing);

        TetherServer server = DemoServer.create("127.0.0.1", 0).start();
        List<CaseResult> results = new ArrayList<>();
        try {
            URI echo = URI.create("ws://127.0.0.1:" + server.port() + DemoServer.ECHO_PATH);
            List<Process> processes = new ArrayList<>();
            List<Path> dirs = new ArrayList<>();
            for (int i = 0; i < RUNS.size(); i++) {
                Path dir = Path.of("target", "autobahn-server", "run-" + i);
                dirs.add(dir);
                processes.add(Autobahn.fuzzingClient(dir, AGENT, echo, RUNS.get(i)));
            }
            for (int i = 0; i < processes.size(); i++) {
                Process process = processes.get(i);
                assertThat(process.waitFor(14, TimeUnit.MINUTES))
                        .as(
                                "wstest %s finished (log: %s)",
                                RUNS.get(i), dirs.get(i).resolve("wstest.log"))
                        .isTrue();
                assertThat(process.exitValue()).as("wstest exit status").isZero();
                results.addAll(Autobahn.results(dirs.get(i), AGENT));
            }
        } finally {
            server.close();
        }

        assertThat(results).hasSize(EXPECTED_CASES);
        assertThat(results).filteredOn(result -> !result.passed()).isEmpty();
        List<String> nonStrict = results.stream()
                .filter(result -> result.behavior().equals("NON-STRICT"))
                .map(CaseResult::id)
                .collect(Collectors.toList());
        assertThat(explainedNonStrictCases())
                .as("every NON-STRICT case is explained in docs/conformance.md")
                .containsAll(nonStrict);
    }

    /** The case ids named in bold in the "NON-STRICT cases, explained" part of docs/conformance.md. */
    private static List<String> explainedNonStrictCases() throws IOException {
        String doc = Files.readString(Path.of("..", "docs", "conformance.md"), StandardCharsets.UTF_8);
        int start = doc.indexOf("## NON-STRICT cases, explained");
        assertThat(start).as("docs/conformance.md has its NON-STRICT section").isNotNegative();
        int end = doc.indexOf("\n## ", start + 1);
        String section = doc.substring(start, end < 0 ? doc.length() : end);
        List<String> ids = new ArrayList<>();
        Matcher bold = Pattern.compile("\\*\\*([^*]+)\\*\\*").matcher(section);
        while (bold.find()) {
            Matcher id = Pattern.compile("\\d+(\\.\\d+)+").matcher(bold.group(1));
            while (id.find()) {
                ids.add(id.group());
            }
        }
        return ids;
    }
}
