package dev.tether.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.server.TetherServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The demo's {@code /ws-single}: the voice echo bot for one client at a time. */
class DemoSingleClientTest {
    private TetherServer server;
    private HttpClient http;

    @BeforeEach
    void start() {
        server = DemoServer.create("127.0.0.1", 0).start();
        http = HttpClient.newHttpClient();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void secondClientIsClosedWith1013() throws Exception {
        Closes first = new Closes();
        WebSocket firstSocket = connect(first);
        Closes second = new Closes();
        connect(second);

        assertThat(second.status.get(10, TimeUnit.SECONDS)).isEqualTo("1013 Server already has a connected client");
        assertThat(first.status).isNotDone();

        firstSocket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        assertThat(first.status.get(10, TimeUnit.SECONDS)).startsWith("1000");
    }

    private WebSocket connect(Closes listener) throws Exception {
        URI uri = URI.create("ws://127.0.0.1:" + server.port() + DemoServer.VOICE_SINGLE_PATH);
        return http.newWebSocketBuilder().buildAsync(uri, listener).get(10, TimeUnit.SECONDS);
    }

    /** Completes with "code reason" when the server closes. */
    private static final class Closes implements WebSocket.Listener {
        final CompletableFuture<String> status = new CompletableFuture<>();

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            status.complete(statusCode + " " + reason);
            return null;
        }
    }
}
