package dev.tether.testsuite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.server.Session;
import dev.tether.testing.Frame;
import dev.tether.testing.RecordingHandler;
import dev.tether.testing.TestWebSocketClient;
import dev.tether.testing.TetherServerExtension;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Oversized frames and messages close with 1009; text that is not UTF-8 closes with 1007. */
class MessageLimitsTest {
    private static final int MAX_FRAME = 1024;
    private static final int MAX_MESSAGE = 4096;

    final RecordingHandler handler = new RecordingHandler(Support.echo());

    @RegisterExtension
    final TetherServerExtension server = TetherServerExtension.of(
            b -> b.handler(handler).maxFrameBytes(MAX_FRAME).maxMessageBytes(MAX_MESSAGE));

    @Test
    void messageOverTheLimitClosesWith1009() {
        try (TestWebSocketClient client = TestWebSocketClient.connect(server.uri())) {
            Session session = handler.awaitConnect();
            client.sendMessage(Frame.TEXT, Support.text(MAX_MESSAGE + 1), 5);

            Support.assertFailedWith(client, 1009);
            assertThat(handler.assertDisconnected(session, 1009).status().byPeer())
                    .isFalse();
            assertThat(handler.events()).noneMatch(e -> e instanceof RecordingHandler.PacketReceived);
        }
    }

    @Test
    void messageAtTheLimitIsAccepted() {
        try (TestWebSocketClient client = TestWebSocketClient.connect(server.uri())) {
            byte[] text = Support.text(MAX_MESSAGE);
            client.sendMessage(Frame.TEXT, text, 5);

            Support.assertEchoed(client, text);
        }
    }

    @Test
    void frameOverTheLimitClosesWith1009() {
        try (TestWebSocketClient client = TestWebSocketClient.connect(server.uri())) {
            client.sendText(new String(Support.text(MAX_FRAME + 1), StandardCharsets.US_ASCII));

            Support.assertFailedWith(client, 1009);
        }
    }

    @Test
    void frameHeaderDeclaringAHugeLengthClosesWith1009BeforeThePayload() {
        try (TestWebSocketClient client = TestWebSocketClient.connect(server.uri())) {
            client.sendRaw(Frame.header(Frame.BINARY, true, 0, 1L << 40, new byte[] {1, 2, 3, 4}));

            Support.assertFailedWith(client, 1009);
        }
    }

    @Test
    void invalidUtf8TextClosesWith1007() {
        try (TestWebSocketClient client = TestWebSocketClient.connect(server.uri())) {
            Session session = handler.awaitConnect();
            client.send(Frame.text(new byte[] {'o', 'k', (byte) 0xC3, 0x28}));

            Support.assertFailedWith(client, 1007);
            handler.assertDisconnected(session, 1007);
        }
    }

    @Test
    void invalidUtf8SplitAcrossFragmentsClosesWith1007() {
        try (TestWebSocketClient client = TestWebSocketClient.connect(server.uri())) {
            // E2 82 starts a three-byte character; 28 cannot continue it.
            client.sendFragments(Frame.TEXT, new byte[] {'a', (byte) 0xE2}, new byte[] {(byte) 0x82, 0x28});

            Support.assertFailedWith(client, 1007);
        }
    }

    @Test
    void validUtf8SplitAcrossFragmentsIsAccepted() {
        try (TestWebSocketClient client = TestWebSocketClient.connect(server.uri())) {
            byte[] euro = "price: €5".getBytes(StandardCharsets.UTF_8);
            client.sendFragments(
                    Frame.TEXT,
                    java.util.Arrays.copyOfRange(euro, 0, 8),
                    java.util.Arrays.copyOfRange(euro, 8, euro.length));

            Support.assertEchoed(client, euro);
        }
    }
}
