package dev.tether.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tether.cli.demo.DemoServer;
import dev.tether.server.TetherServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code tether bench}, run in-process against the demo server, in-process. */
class BenchCommandTest {
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
    void aServerThatIsNotOnLoopbackIsAUsageError() {
        int exitCode = cli.execute("bench", "echo", "--url", "ws://192.0.2.1:8765/", "--no-progress");

        assertThat(exitCode).isEqualTo(2);
        assertThat(err.toString()).contains("host: 192.0.2.1").contains("expected: a loopback address");
    }
}
