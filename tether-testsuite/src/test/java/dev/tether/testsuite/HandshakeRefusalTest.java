package dev.tether.testsuite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.testing.HandshakeResponse;
import dev.tether.testing.RecordingHandler;
import dev.tether.testing.TestWebSocketClient;
import dev.tether.testing.TetherServerExtension;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Upgrades the server refuses: a disallowed Origin (403) and broken requests (400). */
class HandshakeRefusalTest {
    final RecordingHandler handler = new RecordingHandler();

    @RegisterExtension
    final TetherServerExtension server =
            TetherServerExtension.of(b -> b.handler(handler).allowedOrigins(Set.of("https://good.example")));

    @Test
    void disallowedOriginIsRefusedWith403() {
        HandshakeResponse response = TestWebSocketClient.builder(server.uri())
                .header("Origin", "https://evil.example")
                .expectRejection();

        assertThat(response.status()).isEqualTo(403);
        assertThat(server.server().connectionCount()).isZero();
    }

    @Test
    void allowedOriginConnects() {
        try (TestWebSocketClient client = TestWebSocketClient.builder(server.uri())
                .header("Origin", "https://good.example")
                .connect()) {
            assertThat(handler.awaitConnect()).isNotNull();
        }
    }

    @Test
    void requestWithoutOriginConnects() {
        try (TestWebSocketClient client = TestWebSocketClient.connect(server.uri())) {
            assertThat(handler.awaitConnect()).isNotNull();
        }
    }

    @Test
    void upgradeWithoutSecWebSocketKeyGets400() {
        HandshakeResponse response = TestWebSocketClient.builder(server.uri())
                .withoutHeader("Sec-WebSocket-Key")
                .expectRejection();

        assertThat(response.status()).as(response.toString()).isEqualTo(400);
        assertThat(server.server().connectionCount()).isZero();
    }

    @Test
    void malformedRequestLineGets400() {
        HandshakeResponse response = TestWebSocketClient.exchange(server.uri(), "THIS IS NOT HTTP\r\n\r\n");

        assertThat(response.status()).as(response.toString()).isEqualTo(400);
    }

    @Test
    void malformedHeaderGets400() {
        HandshakeResponse response = TestWebSocketClient.exchange(
                server.uri(),
                "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                        + " folded-continuation-without-a-header\r\nthis line has no colon\r\n\r\n");

        assertThat(response.status()).as(response.toString()).isEqualTo(400);
    }

    @Test
    void serverStillUpgradesAfterRefusals() {
        TestWebSocketClient.builder(server.uri())
                .withoutHeader("Sec-WebSocket-Key")
                .expectRejection();
        TestWebSocketClient.exchange(server.uri(), "THIS IS NOT HTTP\r\n\r\n");

        try (TestWebSocketClient client = TestWebSocketClient.connect(server.uri())) {
            assertThat(handler.awaitConnect()).isNotNull();
        }
    }
}
