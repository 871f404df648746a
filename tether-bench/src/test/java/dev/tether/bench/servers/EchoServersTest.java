package dev.tether.bench.servers;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tether.cli.bench.LoadGenerator;
import dev.tether.cli.bench.LoadOptions;
import dev.tether.cli.bench.LoadReport;
import dev.tether.cli.bench.Scenario;
import dev.tether.server.TetherServer;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Every server of {@code bench/compare.sh} answers short runs of {@code tether bench}'s generator without errors. */
class EchoServersTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void rawNettyEchoes() throws Exception {
        try (RawEchoServer server = RawEchoServer.start("127.0.0.1", 0, 1)) {
            assertDeliveredWithoutErrors(run(Scenario.ECHO, server.port(), "echo", 0));
        }
    }

    @Test
    void rawNettyEchoesOnASchedule() throws Exception {
        try (RawEchoServer server = RawEchoServer.start("127.0.0.1", 0, 1)) {
            LoadReport report = run(Scenario.ECHO, server.port(), "echo", 400);

            assertDeliveredWithoutErrors(report);
            // The schedule allows 400 a second in all; each of the 4 connections may be one ahead at either edge.
            assertThat(report.sent()).isLessThanOrEqualTo(Math.round(400 * report.seconds()) + 8);
        }
    }

    @Test
    void vertxEchoes() throws Exception {
        try (VertxEchoServer server = VertxEchoServer.start("127.0.0.1", 0, 1)) {
            assertDeliveredWithoutErrors(run(Scenario.ECHO, server.port(), "echo", 0));
        }
    }

    @Test
    void vertxEchoesOnASchedule() throws Exception {
        try (VertxEchoServer server = VertxEchoServer.start("127.0.0.1", 0, 1)) {
            assertDeliveredWithoutErrors(run(Scenario.ECHO, server.port(), "echo", 400));
        }
    }

    @Test
    void vertxSpreadsConnectionsOverItsEventLoopsOnOnePort() throws Exception {
        try (VertxEchoServer server = VertxEchoServer.start("127.0.0.1", 0, 2)) {
            assertDeliveredWithoutErrors(run(Scenario.ECHO, server.port(), "echo", 0));
        }
    }

    @Test
    void vertxKnowsItsVersion() {
        assertThat(VertxEchoServer.version()).matches("\\d+\\.\\d+\\.\\d+.*");
    }

    @Test
    void tetherEchoesAndAnswersEveryRpcMethodOfTheBench() throws Exception {
        try (TetherServer server = EchoServers.tether(0, 1).start()) {
            assertDeliveredWithoutErrors(run(Scenario.ECHO, server.port(), "echo", 0));
            for (String method : LoadOptions.METHODS) {
                assertDeliveredWithoutErrors(run(Scenario.RPC, server.port(), method, 0));
            }
        }
    }

    @Test
    void tetherDeliversTheFanoutToItsSubscribers() throws Exception {
        try (TetherServer server = EchoServers.tether(0, 1).start()) {
            assertDeliveredWithoutErrors(run(Scenario.FANOUT, server.port(), "echo", 0));
        }
    }

    @Test
    void tetherHoldsIdleConnectionsAndReportsItsHeapAfterACollection() throws Exception {
        try (TetherServer server = EchoServers.tether(0, 1).start()) {
            LoadReport report = run(Scenario.CONNECTIONS, server.port(), "echo", 0);

            assertThat(report.errors()).isZero();
            JsonNode json = JSON.readTree(report.toJson());
            assertThat(json.get("held").asInt()).isEqualTo(4);
            assertThat(json.has("server_heap_bytes_per_connection")).isTrue();
        }
    }

    /** One second, 4 connections, 4 in flight each, no warm-up; {@code rate} 0 is closed loop. */
    static LoadReport run(Scenario scenario, int port, String method, int rate) throws Exception {
        LoadOptions options = new LoadOptions(
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
                rate,
                null);
        return LoadGenerator.run(options, LoadGenerator.Progress.none());
    }

    static void assertDeliveredWithoutErrors(LoadReport report) throws Exception {
        assertThat(report.delivered()).as(report.toTable()).isPositive();
        assertThat(report.errors()).as(report.toTable()).isZero();
        assertThat(JSON.readTree(report.toJson()).get("errors").asLong()).isZero();
    }
}
