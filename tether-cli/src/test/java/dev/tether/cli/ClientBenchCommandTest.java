package dev.tether.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tether.cli.demo.DemoServer;
import dev.tether.server.TetherServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code tether bench client} against the demo server, in-process; no timing is asserted (that is the bench's job). */
class ClientBenchCommandTest {
    /** The keys, in order, that clients/typescript/bench/rpc.mjs prints too. */
    private static final List<String> KEYS = List.of(
            "client",
            "method",
            "size",
            "depth",
            "duration_s",
            "calls",
            "calls_per_s",
            "p50_ms",
            "p90_ms",
            "p99_ms",
            "max_ms",
            "errors",
            "cpu_cores");

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final CommandLine cli =
            TetherCli.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));

    @Test
    void addPrintsOneLineOfJsonWithTheKeysOfTheTypeScriptBench() throws Exception {
        try (TetherServer server = DemoServer.create("127.0.0.1", 0).start()) {
            int exitCode = cli.execute(
                    "bench",
                    "client",
                    "--url",
                    "ws://127.0.0.1:" + server.port() + "/",
                    "-d",
                    "8",
                    "-t",
                    "1s",
                    "--warmup",
                    "0s",
                    "--json");

            assertThat(exitCode).as(err.toString()).isZero();
            assertThat(out.toString().strip()).doesNotContain("\n");
            JsonNode json = new ObjectMapper().readTree(out.toString());
            List<String> keys = new ArrayList<>();
            json.fieldNames().forEachRemaining(keys::add);
            assertThat(keys).isEqualTo(KEYS);
            assertThat(json.get("client").asText()).isEqualTo("java");
            assertThat(json.get("method").asText()).isEqualTo("add");
            assertThat(json.get("size").isNull()).isTrue();
            assertThat(json.get("depth").asInt()).isEqualTo(8);
            assertThat(json.get("calls").asLong()).isPositive();
            assertThat(json.get("errors").asLong()).isZero();
            assertThat(json.get("p50_ms").asDouble()).isPositive();
            assertThat(json.get("max_ms").asDouble())
                    .isGreaterThanOrEqualTo(json.get("p99_ms").asDouble());
        }
    }

    @Test
    void echoSendsAStringOfSizeCharactersAndChecksWhatComesBack() throws Exception {
        try (TetherServer server = DemoServer.create("127.0.0.1", 0).start()) {
            int exitCode = cli.execute(
                    "bench",
                    "client",
                    "--url",
                    "ws://127.0.0.1:" + server.port() + "/",
                    "--method",
                    "echo",
                    "--size",
                    "1000",
                    "-d",
                    "4",
                    "-t",
                    "1s",
                    "--warmup",
                    "0s",
                    "--json");

            assertThat(exitCode).as(err.toString()).isZero();
            JsonNode json = new ObjectMapper().readTree(out.toString());
            assertThat(json.get("method").asText()).isEqualTo("echo");
            assertThat(json.get("size").asInt()).isEqualTo(1000);
            assertThat(json.get("calls").asLong()).isPositive();
            assertThat(json.get("errors").asLong()).isZero();
        }
    }

    @Test
    void tablePrintsCallsLatencyAndCpu() throws Exception {
        try (TetherServer server = DemoServer.create("127.0.0.1", 0).start()) {
            int exitCode = cli.execute(
                    "bench", "client", "--url", "ws://127.0.0.1:" + server.port() + "/", "-t", "1s", "--warmup", "0s");

            assertThat(exitCode).as(err.toString()).isZero();
            assertThat(out.toString())
                    .contains("client java  add(1, 2)")
                    .contains("depth=64")
                    .containsPattern("errors +0\\R")
                    .contains("client cpu");
        }
    }

    @Test
    void noServerAtTheUrlFailsWithOneLine() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }

        int exitCode = cli.execute("bench", "client", "--url", "ws://127.0.0.1:" + port + "/", "-t", "1s");

        assertThat(exitCode).isEqualTo(1);
        assertThat(err.toString()).startsWith("tether bench client: ").doesNotContain("\tat ");
    }

    @Test
    void serverOnAnotherMachineIsAUsageError() {
        int exitCode = cli.execute("bench", "client", "--url", "ws://192.0.2.1:8765/");

        assertThat(exitCode).isEqualTo(2);
        assertThat(err.toString()).contains("host: 192.0.2.1 is 192.0.2.1 (expected: a loopback address");
    }

    @Test
    void unknownMethodIsAUsageError() {
        int exitCode = cli.execute("bench", "client", "--method", "addOnWorker");

        assertThat(exitCode).isEqualTo(2);
        assertThat(err.toString()).contains("method: addOnWorker (expected: one of [add, echo])");
    }

    @Test
    void depthAboveTheClientsPendingCallLimitIsAUsageError() {
        int exitCode = cli.execute("bench", "client", "-d", "1025");

        assertThat(exitCode).isEqualTo(2);
        assertThat(err.toString()).contains("depth: 1025 (expected: 1..1024)");
    }
}
