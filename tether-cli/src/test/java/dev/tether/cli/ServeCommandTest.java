package dev.tether.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.Setting;
import dev.tether.server.Authenticator;
import dev.tether.server.JwtAuthenticator;
import dev.tether.server.ServerConfig;
import dev.tether.server.ServerSettings;
import dev.tether.server.SlowConsumerPolicy;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code tether serve}'s options, made from the declarations in {@link ServerSettings}. */
class ServeCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final CommandLine cli =
            TetherCli.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));

    private ServerConfig parse(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "serve";
        System.arraycopy(args, 0, all, 1, args.length);
        cli.parseArgs(all);
        ServeCommand serve = cli.getSubcommands().get("serve").getCommand();
        return serve.settings().config();
    }

    @Test
    void optionSetsItsSetting() {
        ServerConfig config = parse("--max-connections", "5", "--idle-timeout", "90s", "--max-frame-bytes=1024");

        assertThat(config.maxConnections()).isEqualTo(5);
        assertThat(config.idleTimeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(config.maxFrameBytes()).isEqualTo(1024);
    }

    @Test
    void booleanOptionAloneMeansTrue() {
        ServerConfig config = parse("--per-message-deflate", "--native-transport=false");

        assertThat(config.perMessageDeflate()).isTrue();
        assertThat(config.nativeTransport()).isFalse();
    }

    @Test
    void enumOptionTakesTheConstantsName() {
        assertThat(parse("--slow-consumer-policy", "drop_oldest").slowConsumerPolicy())
                .isEqualTo(SlowConsumerPolicy.DROP_OLDEST);
    }

    @Test
    void withoutOptionsTheDemoDefaultsHold() {
        ServerConfig config = parse();

        assertThat(config.host()).isEqualTo("127.0.0.1");
        assertThat(config.port()).isEqualTo(8765);
        assertThat(config.maxSubscribedChannels()).isEqualTo(20);
        assertThat(config.maxFrameBytes()).isEqualTo(ServerSettings.MAX_FRAME_BYTES.defaultValue());
    }

    @Test
    void metricsAndHealthAreOnUnlessTurnedOff() {
        assertThat(parse().metricsEndpoint()).isTrue();
        assertThat(parse().healthEndpoints()).isTrue();

        ServerConfig off = parse("--metrics-endpoint=false", "--health-endpoints=false");

        assertThat(off.metricsEndpoint()).isFalse();
        assertThat(off.healthEndpoints()).isFalse();
    }

    @Test
    void jwtSecretRequiresTokensOnTheWebshocketEndpointAndLeavesTheRawOnesOpen() {
        ServerConfig config = parse("--jwt-secret", "a-demo-secret-of-at-least-32-bytes!!");

        assertThat(config.authenticator()).isInstanceOf(JwtAuthenticator.class);
        assertThat(config.webSocketEndpoints().values())
                .isNotEmpty()
                .allSatisfy(endpoint -> assertThat(endpoint.authenticator()).isEqualTo(Authenticator.anonymous()));
        assertThat(parse().authenticator()).as("off without the option").isNull();
    }

    @Test
    void aShortJwtSecretIsAUsageError() {
        int exitCode = cli.execute("serve", "--port", "0", "--jwt-secret", "short");

        assertThat(exitCode).isEqualTo(2);
        assertThat(err.toString()).contains("--jwt-secret: secret: 5 bytes (expected: at least 32");
    }

    @Test
    void outOfRangeValueIsAUsageErrorNamingTheSetting() {
        int exitCode = cli.execute("serve", "--max-connections", "0");

        assertThat(exitCode).isEqualTo(2);
        assertThat(err.toString()).contains("maxConnections: 0 (expected: 1..2147483647)");
    }

    @Test
    void unreadableValueIsAUsageErrorNamingTheSetting() {
        int exitCode = cli.execute("serve", "--handshake-timeout", "soon");

        assertThat(exitCode).isEqualTo(2);
        assertThat(err.toString()).contains("handshakeTimeout: 'soon' (expected: Duration, > 0)");
    }

    @Test
    void brokenRuleBetweenOptionsIsAUsageErrorNamingBoth() {
        int exitCode = cli.execute("serve", "--port", "0", "--max-frame-bytes", "2000", "--max-message-bytes", "1000");

        assertThat(exitCode).isEqualTo(2);
        assertThat(err.toString()).contains("maxFrameBytes: 2000 (expected: <= maxMessageBytes 1000)");
    }

    @Test
    void helpListsEveryDeclaredOptionWithItsDefault() {
        int exitCode = cli.execute("serve", "--help");

        assertThat(exitCode).isZero();
        for (Setting<?> setting : ServerSettings.ALL.settings()) {
            if (setting.option() != null) {
                assertThat(out.toString()).as(setting.name()).contains(setting.option());
            }
        }
        assertThat(out.toString())
                .contains("--max-frame-bytes=BYTES")
                .contains("Allowed: 126..2147483647. Default: 4194304.")
                .contains("Default: 30s.")
                .contains("Default: 20.");
    }
}
