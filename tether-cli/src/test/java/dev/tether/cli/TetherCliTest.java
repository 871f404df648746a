package dev.tether.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.cli.demo.DemoServer;
import dev.tether.server.TetherServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The {@code tether} command line, run in-process through picocli. */
class TetherCliTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final CommandLine cli =
            TetherCli.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));

    @Test
    void versionNamesTheBuildAndTheJavaRuntime() {
        int exitCode = cli.execute("--version");

        assertThat(exitCode).isZero();
        assertThat(TetherCli.version()).isNotEqualTo("unknown").doesNotContain("${");
        assertThat(out.toString())
                .startsWith("tether " + TetherCli.version() + System.lineSeparator())
                .contains("Java " + System.getProperty("java.version"));
    }

    @Test
    void helpListsTheServeCommand() {
        int exitCode = cli.execute("--help");

        assertThat(exitCode).isZero();
        assertThat(out.toString()).contains("Usage: tether").contains("serve");
    }

    @Test
    void serveHelpShowsTheDefaults() {
        int exitCode = cli.execute("serve", "--help");

        assertThat(exitCode).isZero();
        assertThat(out.toString()).contains("--host=HOST").contains("127.0.0.1").contains("8765");
    }

    @Test
    void noCommandIsAUsageError() {
        int exitCode = cli.execute();

        assertThat(exitCode).isEqualTo(2);
        assertThat(err.toString())
                .contains("Missing a command (expected: one of serve, call, stream, listen, bench, soak, help)");
    }

    @Test
    void portOutOfRangeIsAUsageError() {
        int exitCode = cli.execute("serve", "--port", "70000");

        assertThat(exitCode).isEqualTo(2);
        assertThat(err.toString()).contains("port: 70000 (expected: 0..65535)");
    }

    @Test
    void portInUseFailsWithOneLine() {
        try (TetherServer taken = DemoServer.create("127.0.0.1", 0).start()) {
            int exitCode = cli.execute("serve", "--port", String.valueOf(taken.port()));

            assertThat(exitCode).isEqualTo(1);
            assertThat(err.toString())
                    .startsWith("tether serve: ")
                    .contains("Address already in use")
                    .doesNotContain("\tat ");
        }
    }

    @Test
    void serveStartsTheDemoServerOnTheGivenHostAndPort() throws Exception {
        cli.parseArgs("serve", "--host", "127.0.0.1", "--port", "0");
        ServeCommand serve = cli.getSubcommands().get("serve").getCommand();

        try (TetherServer server = serve.start()) {
            HttpResponse<String> page = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());

            assertThat(server.config().host()).isEqualTo("127.0.0.1");
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("<title>Tether demo</title>");
        }
    }

    @Test
    void iceServersOfTheFlagReachTheWebRtcStartRoute() throws Exception {
        cli.parseArgs(
                "serve", "--port", "0", "--ice-servers", "[{\"urls\":\"turn:t.example:3478\",\"username\":\"u\"}]");
        ServeCommand serve = cli.getSubcommands().get("serve").getCommand();

        try (TetherServer server = serve.start()) {
            HttpResponse<String> start = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/start"))
                                    .POST(HttpRequest.BodyPublishers.ofString("{}"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());

            assertThat(start.body())
                    .contains("\"iceServers\":[{\"urls\":[\"turn:t.example:3478\"],\"username\":\"u\"}]");
        }
    }

    @Test
    void malformedIceServersAreAUsageError() {
        int exitCode = cli.execute("serve", "--port", "0", "--ice-servers", "[{\"username\":\"u\"}]");

        assertThat(exitCode).isEqualTo(2);
        assertThat(err.toString()).contains("--ice-servers: entry 1 has no \"urls\"");
    }

    @Test
    void aBrokerOfAnotherSchemeIsAUsageError() {
        int exitCode = cli.execute("serve", "--port", "0", "--broker", "amqp://127.0.0.1:5672");

        assertThat(exitCode).isEqualTo(2);
        assertThat(err.toString())
                .contains("--broker: 'amqp://127.0.0.1:5672' (expected: redis://HOST:PORT, rediss://HOST:PORT,");
    }

    @Test
    void pageUrlOfAWildcardAddressIsLoopback() {
        assertThat(ServeCommand.pageUrl("0.0.0.0", 8765)).isEqualTo("http://127.0.0.1:8765/");
    }

    @Test
    void pageUrlBracketsAnIpv6Address() {
        assertThat(ServeCommand.pageUrl("::1", 8765)).isEqualTo("http://[::1]:8765/");
    }
}
