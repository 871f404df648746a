package dev.tether.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.server.TetherServer;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The demo's raw echo endpoint, from the JDK's WebSocket client: every message comes back unchanged. */
class DemoEchoTest {
    private static TetherServer server;

    @BeforeAll
    static void startServer() {
        server = DemoServer.create("127.0.0.1", 0).start();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    /** Collects the first whole message, text or binary. */
    private static final class FirstMessage implements WebSocket.Listener {
        final CompletableFuture<Object> message = new CompletableFuture<>();
        private final StringBuilder text = new StringBuilder();
        private final ByteArrayOutputStream binary = new ByteArrayOutputStream();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                message.complete(text.toString());
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            byte[] part = new byte[data.remaining()];
            data.get(part);
            binary.writeBytes(part);
            if (last) {
                message.complete(binary.toByteArray());
            }
            webSocket.request(1);
            return null;
        }
    }

    private static Object echo(CompletableFuture<WebSocket> sent, FirstMessage listener) throws Exception {
        WebSocket socket = sent.get(10, TimeUnit.SECONDS);
        try {
            return listener.message.get(30, TimeUnit.SECONDS);
        } finally {
            socket.abort();
        }
    }

    private static CompletableFuture<WebSocket> connect(FirstMessage listener) {
        return HttpClient.newHttpClient()
                .newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + DemoServer.ECHO_PATH), listener);
    }

    @Test
    void textComesBackUnchanged() throws Exception {
        FirstMessage listener = new FirstMessage();
        String text = "raw, not a packet: {\"source\":5} ✓";

        Object echoed = echo(connect(listener).thenCompose(ws -> ws.sendText(text, true)), listener);

        assertThat(echoed).isEqualTo(text);
    }

    @Test
    void binaryLargerThanTheWebshocketLimitComesBackUnchanged() throws Exception {
        FirstMessage listener = new FirstMessage();
        byte[] data = new byte[8 << 20]; // twice the webshocket endpoint's 4 MiB, within the echo's 16 MiB
        new Random(7).nextBytes(data);

        Object echoed = echo(connect(listener).thenCompose(ws -> ws.sendBinary(ByteBuffer.wrap(data), true)), listener);

        assertThat(echoed).isInstanceOf(byte[].class);
        assertThat((byte[]) echoed).isEqualTo(data);
    }
}
