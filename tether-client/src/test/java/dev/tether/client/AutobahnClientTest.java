package dev.tether.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tether.core.Backoff;
import dev.tether.core.TetherException;
import dev.tether.testing.Autobahn;
import dev.tether.testing.Autobahn.CaseResult;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Autobahn|Testsuite's fuzzing server against the Java client's connection layer: the client connects to
 * {@code /runCase} for every case of families 1-10 and echoes every message, as the suite expects of a client
 * under test, then asks for the report. Skipped, with the reason, where the suite is not installed.
 */
class AutobahnClientTest {
    private static final String AGENT = "tether-java-client";
    private static final List<String> CASES =
            List.of("1.*", "2.*", "3.*", "4.*", "5.*", "6.*", "7.*", "8.*", "9.*", "10.*");
    private static final int EXPECTED_CASES = 301;

    /** Case 9 sends single frames and messages of 16 MiB. */
    private static final int MAX_MESSAGE_BYTES = 16 << 20;

    /** The longest one case may take, the largest of case 9 included. */
    private static final Duration CASE_TIMEOUT = Duration.ofSeconds(60);

    @Test
    @Timeout(value = 12, unit = TimeUnit.MINUTES)
    void clientPassesEveryCaseOfFamilies1To10() throws Exception {
        String missing = Autobahn.missing();
        assumeTrue(missing == null, () -> "Autobahn|Testsuite skipped: " + missing);

        Path dir = Path.of("target", "autobahn-client");
        int port = freePort();
        String base = "ws://127.0.0.1:" + port;
        Process wstest = Autobahn.fuzzingServer(dir, port, CASES);
        try {
            Session count = Session.run(base + "/getCaseCount", false);
            int cases = Integer.parseInt(count.firstText().get(CASE_TIMEOUT.toSeconds(), TimeUnit.SECONDS));
            assertThat(cases).isEqualTo(EXPECTED_CASES);
            for (int i = 1; i <= cases; i++) {
                Session.run(base + "/runCase?case=" + i + "&agent=" + AGENT, true)
                        .ended()
                        .get(CASE_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            }
            Session.run(base + "/updateReports?agent=" + AGENT, false)
                    .ended()
                    .get(CASE_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } finally {
            wstest.destroy();
            wstest.waitFor(10, TimeUnit.SECONDS);
        }

        List<CaseResult> results = Autobahn.results(dir, AGENT);
        assertThat(results).hasSize(EXPECTED_CASES);
        assertThat(results).filteredOn(result -> !result.passed()).isEmpty();
    }

    /** One connection to the fuzzing server, echoing when asked, ended by the server's close. */
    private static final class Session implements SessionProtocol, ConnectionListener {
        private final boolean echo;
        private final CompletableFuture<String> firstText = new CompletableFuture<>();
        private final CompletableFuture<Void> ended = new CompletableFuture<>();

        private Session(boolean echo) {
            this.echo = echo;
        }

        static Session run(String uri, boolean echo) {
            Session session = new Session(echo);
            ClientConnection connection = ClientConnection.create(ConnectionConfig.builder()
                    .uri(uri)
                    .protocol(session)
                    .listener(session)
                    .maxFrameBytes(MAX_MESSAGE_BYTES)
                    .maxMessageBytes(MAX_MESSAGE_BYTES)
                    // The suite listens a moment after it says it is ready: retry the first connection.
                    .connectBackoff(Backoff.builder()
                            .initialDelay(Duration.ofMillis(20))
                            .maxDelay(Duration.ofMillis(200))
                            .maxAttempts(100)
                            .build())
                    // One connection per case: no heartbeats in the suite's way, and the first drop, whatever its
                    // code, ends the connection instead of reconnecting to the same case.
                    .heartbeatInterval(Duration.ZERO)
                    .quickFailureWindow(Duration.ofHours(1))
                    .maxQuickFailures(1)
                    .build());
            session.ended.whenComplete((ok, error) -> connection.close());
            connection.connect();
            return session;
        }

        CompletableFuture<String> firstText() {
            return firstText;
        }

        CompletableFuture<Void> ended() {
            return ended;
        }

        @Override
        public void onText(ClientSession session, String text) {
            firstText.complete(text);
            if (echo) {
                session.sendText(text);
            }
        }

        @Override
        public void onBinary(ClientSession session, byte[] bytes) {
            if (echo) {
                session.sendBinary(bytes);
            }
        }

        @Override
        public void onEnded(@Nullable TetherException error) {
            ended.complete(null);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
