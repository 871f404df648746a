package dev.tether.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tether.cli.demo.DemoServer;
import dev.tether.server.TetherServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code tether bench}, run in-process against the demo server, in-process. */
class BenchCommandTest {
    /** The Redis of scripts/ensure-services.sh. */
    private static final String REDIS = "redis://127.0.0.1:6379";

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final CommandLine cli =
            TetherCli.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));

    @Test
    void echoPrintsOneLineOfJson() throws Exception {
        try (TetherServer server = DemoServer.create("127.0.0.1", 0).start()) {
            int exitCode = cli.execute(
                    "bench",
                    "echo",
                    "--url",
                    "ws://127.0.0.1:" + server.port() + "/",
                    "-c",
                    "2",
                    "-t",
                    "1s",
                    "--warmup",
                    "0s",
                    "--json",
                    "--no-progress");

            assertThat(exitCode).isZero();
            JsonNode json = new ObjectMapper().readTree(out.toString());
            assertThat(json.get("scenario").asText()).isEqualTo("echo");
            assertThat(json.get("delivered").asLong()).isPositive();
            assertThat(json.get("errors").asLong()).isZero();
        }
    }

    @Test
    void noServerAtTheUrlFailsWithOneLine() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }

        int exitCode =
                cli.execute("bench", "echo", "--url", "ws://127.0.0.1:" + port + "/", "-t", "1s", "--no-progress");

        assertThat(exitCode).isEqualTo(1);
        assertThat(err.toString()).contains("tether bench: no connection to").doesNotContain("\tat ");
    }

    @Test
    void fanoutOverThreeNodesOnRedisDeliversToEverySubscriberOfEveryNode() throws Exception {
        int exitCode = cli.execute(
                "bench",
                "fanout",
                "--nodes",
                "3",
                "--broker",
                REDIS,
                "-c",
                "30",
                "--duration",
                "2s",
                "--warmup",
                "1s",
                "--json",
                "--no-progress");

        assertThat(exitCode).as(err.toString()).isZero();
        JsonNode json = new ObjectMapper().readTree(out.toString());
        assertThat(json.get("nodes").asInt()).isEqualTo(3);
        assertThat(json.get("broker").asText()).isEqualTo(REDIS);
        assertThat(json.get("history").asBoolean()).isFalse();
        assertThat(json.get("errors").asLong()).isZero();
        assertThat(json.get("per_node")).hasSize(3);
        for (JsonNode node : json.get("per_node")) {
            assertThat(node.get("subscribers").asInt()).isEqualTo(10);
            assertThat(node.get("receiving").asInt()).isEqualTo(10);
            assertThat(node.get("delivered").asLong()).isPositive();
        }
        assertThat(keys(json.get("broker_prefix").asText())).isEmpty();
    }

    @Test
    void fanoutWithHistoryTakesThePositionedPathOnEveryNode() throws Exception {
        int exitCode = cli.execute(
                "bench",
                "fanout",
                "--nodes",
                "2",
                "--broker",
                REDIS,
                "--history",
                "-c",
                "4",
                "-t",
                "1s",
                "--warmup",
                "0s",
                "--no-progress");

        assertThat(exitCode).as(err.toString()).isZero();
        assertThat(out.toString())
                .contains("2 nodes in this process, broker " + REDIS)
                .contains("history on")
                .contains("positioned:")
                .contains("node 1 (pub)")
                .contains("to 2 of 2 subscribers")
                .containsPattern("errors +0");
    }

    @Test
    void severalNodesWithoutABrokerIsAUsageError() {
        int exitCode = cli.execute("bench", "fanout", "--nodes", "3", "--no-progress");

        assertThat(exitCode).isEqualTo(2);
        assertThat(err.toString()).contains("--nodes: 3 needs --broker URI");
    }

    @Test
    void noNodesIsAUsageError() {
        int exitCode = cli.execute("bench", "fanout", "--nodes", "0", "--no-progress");

        assertThat(exitCode).isEqualTo(2);
        assertThat(err.toString()).contains("--nodes: 0 (expected: 1..16)");
    }

    @Test
    void nodesForAnotherScenarioThanFanoutIsAUsageError() {
        int exitCode = cli.execute("bench", "echo", "--nodes", "1", "--no-progress");

        assertThat(exitCode).isEqualTo(2);
        assertThat(err.toString()).contains("--nodes: only for fanout");
    }

    /** The keys under {@code prefix} on the test Redis. */
    private static List<String> keys(String prefix) {
        RedisClient client = RedisClient.create(REDIS);
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            return connection.sync().keys(prefix + ":*");
        } finally {
            client.shutdown();
        }
    }

    @Test
    void aServerThatIsNotOnLoopbackIsAUsageError() {
        int exitCode = cli.execute("bench", "echo", "--url", "ws://192.0.2.1:8765/", "--no-progress");

        assertThat(exitCode).isEqualTo(2);
        assertThat(err.toString()).contains("host: 192.0.2.1").contains("expected: a loopback address");
    }
}
