package dev.tether.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tether.cli.demo.DemoServer;
import dev.tether.server.TetherServer;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Short runs of the generator against the demo server of {@code tether serve} (it echoes packets and has {@code add}
 * and {@code echo}): it counts answers, no errors, and its JSON parses. The runs against the servers of
 * {@code bench/compare.sh} (raw Netty, Vert.x, Tether's bench server with {@code publish}) are tether-bench's
 * {@code EchoServersTest}.
 */
class LoadGeneratorTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void echoAgainstTetherDeliversWithoutErrors() throws Exception {
        try (TetherServer server = DemoServer.create("127.0.0.1", 0).start()) {
            LoadReport report =
                    LoadGenerator.run(options(Scenario.ECHO, server.port(), "echo"), LoadGenerator.Progress.none());

            assertDeliveredWithoutErrors(report);
        }
    }

    @Test
    void rpcAddAgainstTetherDeliversWithoutErrors() throws Exception {
        try (TetherServer server = DemoServer.create("127.0.0.1", 0).start()) {
            LoadReport report =
                    LoadGenerator.run(options(Scenario.RPC, server.port(), "add"), LoadGenerator.Progress.none());

            assertDeliveredWithoutErrors(report);
        }
    }

    @Test
    void rpcEchoAgainstTetherDeliversWithoutErrors() throws Exception {
        try (TetherServer server = DemoServer.create("127.0.0.1", 0).start()) {
            LoadReport report =
                    LoadGenerator.run(options(Scenario.RPC, server.port(), "echo"), LoadGenerator.Progress.none());

            assertDeliveredWithoutErrors(report);
        }
    }

    @Test
    void rpcAtARateKeepsToItsScheduleAndReportsTheRate() throws Exception {
        try (TetherServer server = DemoServer.create("127.0.0.1", 0).start()) {
            LoadOptions options = withRate(options(Scenario.RPC, server.port(), "add"), 400);

            LoadReport report = LoadGenerator.run(options, LoadGenerator.Progress.none());

            assertDeliveredWithoutErrors(report);
            // Closed loop would send thousands in this second; the schedule allows 400 a second in all (each of
            // the 4 connections may be one message ahead at the window's edges, and the window may run late).
            assertThat(report.sent()).isLessThanOrEqualTo(Math.round(400 * report.seconds()) + 8);
            assertThat(JSON.readTree(report.toJson()).get("rate").asInt()).isEqualTo(400);
            assertThat(report.toTable()).contains("rate=400/s");
            assertThat(JSON.readTree(report.toJson()).has("behind_schedule")).isTrue();
        }
    }

    @Test
    void aRunThatSentLessThanItsRateSaysSo() throws Exception {
        LoadOptions asked = withRate(options(Scenario.RPC, 1, "add"), 1000);

        LoadReport behind = report(asked, 900);
        LoadReport onTime = report(asked, 990);
        LoadReport closedLoop = report(options(Scenario.RPC, 1, "add"), 10);

        assertThat(behind.behindSchedule()).isTrue();
        assertThat(behind.toTable()).contains("BEHIND: sent 900/s of the 1,000/s asked for");
        assertThat(JSON.readTree(behind.toJson()).get("behind_schedule").asBoolean())
                .isTrue();
        assertThat(onTime.behindSchedule()).isFalse();
        assertThat(onTime.toTable()).doesNotContain("BEHIND");
        assertThat(closedLoop.behindSchedule()).isFalse();
    }

    /** A one-second report of {@code sent} messages, all delivered. */
    private static LoadReport report(LoadOptions options, long sent) {
        return new LoadReport(options, 1.0, sent, sent, 0, 100, 200, 300, 400, 500, 150.0, 0.5, 0.5, 0, 0, null, null);
    }

    @Test
    void aRateIsRefusedForIdleConnections() {
        assertThatThrownBy(() -> withRate(options(Scenario.CONNECTIONS, 1, "echo"), 10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rate: 10 (expected: 0 for connections");
    }

    @Test
    void connectionsHoldsIdleConnectionsAndReadsTheServersMemory() throws Exception {
        try (TetherServer server = DemoServer.create("127.0.0.1", 0).start()) {
            LoadReport report = LoadGenerator.run(
                    options(Scenario.CONNECTIONS, server.port(), "echo"), LoadGenerator.Progress.none());

            assertThat(report.errors()).isZero();
            assertThat(report.idle()).isNotNull();
            assertThat(report.idle().held()).isEqualTo(4);
            JsonNode json = JSON.readTree(report.toJson());
            assertThat(json.get("held").asInt()).isEqualTo(4);
            assertThat(json.has("server_heap_bytes_per_connection")).isTrue();
        }
    }

    @Test
    void aHostThatIsNotLoopbackIsRefused() {
        assertThatThrownBy(() -> new LoadOptions(
                        Scenario.ECHO,
                        URI.create("ws://192.0.2.1:80/"),
                        1,
                        64,
                        1,
                        Duration.ofSeconds(1),
                        Duration.ZERO,
                        "echo",
                        1,
                        0,
                        0,
                        null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("host: 192.0.2.1")
                .hasMessageContaining("expected: a loopback address");
    }

    private static LoadOptions options(Scenario scenario, int port, String method) {
        return new LoadOptions(
                scenario,
                URI.create("ws://127.0.0.1:" + port + "/"),
                4,
                64,
                4,
                Duration.ofSeconds(1),
                Duration.ZERO,
                method,
                1,
                ProcessHandle.current().pid(),
                0,
                null);
    }

    private static LoadOptions withRate(LoadOptions o, int rate) {
        return new LoadOptions(
                o.scenario(),
                o.url(),
                o.connections(),
                o.payloadBytes(),
                o.depth(),
                o.duration(),
                o.warmup(),
                o.method(),
                o.ioThreads(),
                o.serverPid(),
                rate,
                o.cluster());
    }

    private static void assertDeliveredWithoutErrors(LoadReport report) throws Exception {
        assertThat(report.delivered()).isPositive();
        assertThat(report.errors()).isZero();
        JsonNode json = JSON.readTree(report.toJson());
        assertThat(json.get("delivered").asLong()).isEqualTo(report.delivered());
        assertThat(json.get("errors").asLong()).isZero();
        assertThat(json.get("latency_us").get("max").asLong())
                .isGreaterThanOrEqualTo(json.get("latency_us").get("p50").asLong());
        assertThat(report.toTable()).contains("delivered").contains("msg/s");
    }
}
