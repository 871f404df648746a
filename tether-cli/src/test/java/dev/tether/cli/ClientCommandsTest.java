package dev.tether.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.cli.demo.DemoServer;
import dev.tether.client.TetherClient;
import dev.tether.server.TetherServer;
import dev.tether.testing.RefusedPort;
import dev.tether.testing.fault.FaultProxy;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code tether call}, {@code stream} and {@code listen} against a Tether server on loopback. */
class ClientCommandsTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final CommandLine cli =
            TetherCli.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));
    private final RpcHandler handler = new RpcHandler();
    private TetherServer server;

    @BeforeEach
    void startServer() {
        server = start(0);
    }

    private TetherServer start(int port) {
        return TetherServer.builder()
                .host("127.0.0.1")
                .port(port)
                .handler(handler)
                .build()
                .start();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    private String url() {
        return "ws://127.0.0.1:" + server.port() + "/";
    }

    @Test
    void callPrintsTheResultAsJsonAndExitsZero() {
        int exitCode = cli.execute("call", url(), "echo", "{\"a\":[1,2]}");

        assertThat(exitCode).isZero();
        assertThat(out.toString()).isEqualTo("{\"a\":[1,2]}" + System.lineSeparator());
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void aPlainWordIsAString() {
        int exitCode = cli.execute("call", url(), "echo", "hello");

        assertThat(exitCode).isZero();
        assertThat(out.toString().trim()).isEqualTo("\"hello\"");
    }

    @Test
    void aJsonStringLiteralIsAString() {
        cli.execute("call", url(), "echo", "\"10\"");

        assertThat(out.toString().trim()).isEqualTo("\"10\"");
    }

    @Test
    void callSpeaksJsonWithTheJsonOption() {
        int exitCode = cli.execute("call", "--json", url(), "echo", "10");

        assertThat(exitCode).isZero();
        assertThat(out.toString().trim()).isEqualTo("10");
    }

    @Test
    void anRpcErrorPrintsItsCodeAndMessageAndExitsThree() {
        int exitCode = cli.execute("call", url(), "nope");

        assertThat(exitCode).isEqualTo(3);
        assertThat(out.toString()).isEmpty();
        assertThat(err.toString().trim())
                .isEqualTo("tether call: error -32601 METHOD_NOT_FOUND: RPC method 'nope' not found.");
    }

    @Test
    void aServerThatIsNotThereFailsWithOneLine() {
        try (RefusedPort absent = new RefusedPort()) {
            String url = "ws://127.0.0.1:" + absent.port() + "/";

            int exitCode = cli.execute("call", url, "echo", "1");

            assertThat(exitCode).isEqualTo(1);
            assertThat(err.toString().trim()).isEqualTo("tether call: could not find the server at " + url);
        }
    }

    @Test
    void aMalformedKeywordArgumentIsAUsageError() {
        int exitCode = cli.execute("call", url(), "echo", "1", "--kw", "loud");

        assertThat(exitCode).isEqualTo(2);
        assertThat(err.toString()).contains("--kw: 'loud' (expected: NAME=VALUE, e.g. --kw loud=true)");
    }

    @Test
    void streamPrintsEachItemAsAJsonLine() {
        int exitCode = cli.execute("stream", url(), "count", "3");

        assertThat(exitCode).isZero();
        String nl = System.lineSeparator();
        assertThat(out.toString()).isEqualTo("1" + nl + "2" + nl + "3" + nl);
    }

    @Test
    void listenReconnectsAndJoinsAgainAfterTheServerRestarts() throws Exception {
        Listening listening = Listening.start(url(), "--join", "news");
        try {
            listening.stderr().awaitLine("state CONNECTING -> CONNECTED");
            listening.stderr().awaitLine("joined news");
            assertThat(handler.joins.poll(10, TimeUnit.SECONDS)).isEqualTo("news");
            server.publish("news", "before");
            assertThat(listening.stdout().awaitLine("before"))
                    .isEqualTo("{\"source\":2,\"data\":\"before\",\"rpc\":null,\"channel\":\"news\",\"timestamp\":null,"
                            + "\"correlation_id\":null}");

            int port = server.port();
            server.close();
            assertThat(listening.stderr().awaitLine("disconnected"))
                    .isEqualTo("disconnected: 1001 Server is shutting down. (reconnecting)");
            server = start(port);
            listening.reconnectNow();

            listening.stderr().awaitLine("state CONNECTING -> CONNECTED");
            assertThat(handler.joins.poll(10, TimeUnit.SECONDS)).isEqualTo("news");
            server.publish("news", "after");
            listening.stdout().awaitLine("\"data\":\"after\"");
        } finally {
            listening.stop();
        }
    }

    @Test
    void listenJoinsTheDemoLobbyAgainAfterTheDemoServerRestarts() throws Exception {
        TetherServer demo = DemoServer.create("127.0.0.1", 0).start();
        int port = demo.port();
        String demoUrl = "ws://127.0.0.1:" + port + "/";
        Listening listening = Listening.start(demoUrl, "--join", "lobby");
        try {
            listening.stderr().awaitLine("joined lobby");
            assertThat(say(demoUrl, "before")).isEqualTo(1);
            listening.stdout().awaitLine("\"text\":\"before\"");

            demo.close();
            listening.stderr().awaitLine("disconnected: 1001");
            demo = DemoServer.create("127.0.0.1", port).start();
            listening.reconnectNow();

            // CONNECTED comes only once the session protocol has joined the lobby again.
            listening.stderr().awaitLine("state CONNECTING -> CONNECTED");
            assertThat(demo.sessions())
                    .singleElement()
                    .satisfies(session -> assertThat(session.subscriptions()).containsExactly("lobby"));
            assertThat(say(demoUrl, "after")).isEqualTo(1);
            assertThat(listening.stdout().awaitLine("\"text\":\"after\""))
                    .contains("\"source\":2")
                    .contains("\"channel\":\"lobby\"");
        } finally {
            try {
                listening.stop();
            } finally {
                demo.close();
            }
        }
    }

    @Test
    void listenSubscribesWithRecoveryAndSaysWhatItRecoveredOnStandardError() throws Exception {
        TetherServer chat = TetherServer.builder()
                .host("127.0.0.1")
                .port(0)
                .handler(handler)
                .clientSubscriptions((session, name) -> true)
                .history("chat.*", 3, Duration.ofMinutes(5))
                .presence("chat.*")
                .build()
                .start();
        FaultProxy proxy = FaultProxy.start(chat.port());
        Listening listening =
                Listening.start("ws://127.0.0.1:" + proxy.port() + "/", "--subscribe", "chat.room", "--join-leave");
        TetherClient other = TetherClient.create("ws://127.0.0.1:" + chat.port() + "/");
        try {
            assertThat(listening.stderr().awaitLine("subscribed chat.room")).startsWith("subscribed chat.room at 0@");
            chat.publish("chat.room", "one");
            assertThat(listening.stdout().awaitLine("\"one\""))
                    .startsWith("{\"source\":2,\"data\":\"one\",")
                    .contains("\"tether\":{\"offset\":1,\"epoch\":");
            other.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);
            other.subscribe("chat.room", publication -> {}).get(10, TimeUnit.SECONDS);
            assertThat(listening.stderr().awaitLine("join chat.room ")).matches("join chat\\.room [0-9a-f-]{36}");

            proxy.dropAll();
            listening.stderr().awaitLine("disconnected");
            chat.publish("chat.room", "two");
            chat.publish("chat.room", "three");
            listening.reconnectNow();
            assertThat(listening.stderr().awaitLine("recovered chat.room"))
                    .isEqualTo("recovered chat.room: 2 missed publications");
            listening.stdout().awaitLine("\"two\"");
            listening.stdout().awaitLine("\"three\"");

            proxy.dropAll();
            listening.stderr().awaitLine("disconnected");
            for (int i = 4; i <= 8; i++) {
                chat.publish("chat.room", "missed " + i);
            }
            listening.reconnectNow();
            assertThat(listening.stderr().awaitLine("not recovered chat.room"))
                    .startsWith("not recovered chat.room: the history is gone; reload (live from 8@");
            chat.publish("chat.room", "live");
            assertThat(listening.stdout().awaitLine("\"live\"")).contains("\"offset\":9");
        } finally {
            try {
                listening.stop();
            } finally {
                other.close().toCompletableFuture().get(10, TimeUnit.SECONDS);
                proxy.close();
                chat.close();
            }
        }
    }

    @Test
    void listenRefusesAPatternToSubscribeToAsAUsageError() throws Exception {
        server.close();
        server = TetherServer.builder()
                .host("127.0.0.1")
                .port(0)
                .handler(handler)
                .clientSubscriptions((session, name) -> true)
                .build()
                .start();

        int exitCode = cli.execute("listen", url(), "--subscribe", "chat.*");

        assertThat(exitCode).isEqualTo(2);
        assertThat(err.toString()).contains("--subscribe: channel: 'chat.*' (expected: a channel name");
    }

    /** Says {@code text} in the demo's lobby from a client of its own; returns the recipient count. */
    private static Object say(String url, String text) throws Exception {
        TetherClient client = TetherClient.create(url);
        try {
            client.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);
            return client.call("say", "lobby", text).get(10, TimeUnit.SECONDS);
        } finally {
            client.close().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    /** Runs {@code tether listen URL ARGS...} on a thread of its own, on a manual clock. */
}
