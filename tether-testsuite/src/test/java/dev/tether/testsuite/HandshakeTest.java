package dev.tether.testsuite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.WireFormat;
import dev.tether.server.ClientType;
import dev.tether.testing.HandshakeResponse;
import dev.tether.testing.RecordingHandler;
import dev.tether.testing.TestWebSocketClient;
import dev.tether.testing.TetherServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The upgrade: which subprotocol is echoed and which kind of client the session is. */
class HandshakeTest {
    final RecordingHandler handler = new RecordingHandler();

    @RegisterExtension
    final TetherServerExtension server = TetherServerExtension.of(b -> b.handler(handler));

    @Test
    void offeringWebshocketMakesAFrameworkSessionAndIsEchoed() {
        try (TestWebSocketClient client = TestWebSocketClient.builder(server.uri())
                .subprotocols(WireFormat.SUBPROTOCOL)
                .connect()) {
            assertThat(client.subprotocol()).isEqualTo("webshocket.v1");
            assertThat(handler.awaitConnect().clientType()).isEqualTo(ClientType.FRAMEWORK);
        }
    }

    @Test
    void webshocketAnywhereInTheOfferedListIsChosen() {
        try (TestWebSocketClient client = TestWebSocketClient.builder(server.uri())
                .subprotocols("chat", "superchat", "webshocket.v1", "mqtt")
                .connect()) {
            assertThat(client.subprotocol()).isEqualTo("webshocket.v1");
            assertThat(handler.awaitConnect().clientType()).isEqualTo(ClientType.FRAMEWORK);
        }
    }

    @Test
    void offeringNoSubprotocolMakesAGenericSessionWithoutProtocolHeader() {
        try (TestWebSocketClient client = TestWebSocketClient.connect(server.uri())) {
            assertThat(client.handshakeResponse().headers("sec-websocket-protocol"))
                    .isEmpty();
            assertThat(handler.awaitConnect().clientType()).isEqualTo(ClientType.GENERIC);
        }
    }

    @Test
    void offeringOnlyOtherSubprotocolsMakesAGenericSessionAndNoneIsEchoed() {
        try (TestWebSocketClient client = TestWebSocketClient.builder(server.uri())
                .subprotocols("chat", "json")
                .connect()) {
            assertThat(client.handshakeResponse().headers("sec-websocket-protocol"))
                    .isEmpty();
            assertThat(handler.awaitConnect().clientType()).isEqualTo(ClientType.GENERIC);
        }
    }

    @Test
    void aTokenThatOnlyStartsLikeWebshocketIsNotChosen() {
        try (TestWebSocketClient client = TestWebSocketClient.builder(server.uri())
                .subprotocols("webshocket.v10", "xwebshocket.v1")
                .connect()) {
            assertThat(client.handshakeResponse().headers("sec-websocket-protocol"))
                    .isEmpty();
            assertThat(handler.awaitConnect().clientType()).isEqualTo(ClientType.GENERIC);
        }
    }

    @Test
    void upgradeOnAnotherPathIsRefusedWith404() {
        HandshakeResponse response =
                TestWebSocketClient.builder(server.uri("/elsewhere")).expectRejection();

        assertThat(response.status()).isEqualTo(404);
    }
}
