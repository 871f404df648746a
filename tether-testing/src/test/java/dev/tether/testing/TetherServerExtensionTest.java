package dev.tether.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.core.Packet;
import dev.tether.server.TetherServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.RegisterExtension;

class TetherServerExtensionTest {
    final RecordingHandler handler = RecordingHandler.echoing();

    @RegisterExtension
    final TetherServerExtension server = TetherServerExtension.of(b -> b.handler(handler));

    @Test
    void serverRunsOnLoopbackOnAFreePort() {
        assertThat(server.port()).isPositive();
        assertThat(server.uri()).hasToString("ws://127.0.0.1:" + server.port() + "/");
        assertThat(server.httpUri("/health")).hasToString("http://127.0.0.1:" + server.port() + "/health");
        assertThat(server.server().config().host()).isEqualTo("127.0.0.1");
    }

    @Test
    void customiserConfiguresTheServer() {
        try (TestWebSocketClient client = TestWebSocketClient.connect(server.uri())) {
            client.sendPacket(Packet.custom("echo"));

            assertThat(client.awaitPacket().data()).isEqualTo("echo");
            assertThat(handler.awaitPacket().packet().data()).isEqualTo("echo");
        }
    }

    @Test
    void serverIsClosedAfterTheTest() {
        RecordingHandler own = new RecordingHandler();
        TetherServerExtension extension = TetherServerExtension.of(b -> b.handler(own));
        extension.beforeEach(null);
        TetherServer running = extension.server();
        TestWebSocketClient client = TestWebSocketClient.connect(extension.uri());
        own.awaitConnect();

        extension.afterEach(null);

        assertThat(client.awaitClose().code()).isEqualTo(1001);
        assertThatThrownBy(extension::server).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() ->
                        TestWebSocketClient.connect(java.net.URI.create("ws://127.0.0.1:" + running.port() + "/")))
                .isInstanceOf(AssertionError.class);
        client.close();
    }

    @Test
    void perClassServerOnAnInstanceFieldIsAConfigurationError() {
        TetherServerExtension perClass = TetherServerExtension.pullMode().perClass();

        assertThatThrownBy(() -> perClass.beforeEach(null)).isInstanceOf(ExtensionConfigurationException.class);
    }

    @Test
    void perClassServerOutlivesEachTest() {
        TetherServerExtension perClass = TetherServerExtension.pullMode().perClass();
        perClass.beforeAll(null);
        try {
            perClass.beforeEach(null);
            TetherServer first = perClass.server();
            perClass.afterEach(null);
            perClass.beforeEach(null);

            assertThat(perClass.server()).isSameAs(first);
        } finally {
            perClass.afterAll(null);
        }
    }
}
