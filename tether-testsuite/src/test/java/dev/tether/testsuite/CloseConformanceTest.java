package dev.tether.testsuite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.server.Session;
import dev.tether.testing.CloseFrame;
import dev.tether.testing.Frame;
import dev.tether.testing.RecordingHandler;
import dev.tether.testing.TestWebSocketClient;
import dev.tether.testing.TetherServerExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The closing handshake after Autobahn|Testsuite case group 7: a close is answered once and ends the connection,
 * and nothing sent after it is answered (7.1.1-7.1.5); close payloads of 0 bytes, a code, a code and a reason of
 * up to 123 bytes are accepted, while 1 byte, a 124-byte reason (126 bytes in all) and a reason that is not UTF-8
 * fail the connection (7.3.x, 7.5.1); valid codes are echoed (7.7.x) and invalid ones fail the connection with
 * 1002 (7.9.x). See {@link FramingConformanceTest} for how the echo works.
 */
class CloseConformanceTest {
    final RecordingHandler handler = new RecordingHandler(Support.echo());

    @RegisterExtension
    final TetherServerExtension server = TetherServerExtension.of(b -> b.handler(handler));

    private TestWebSocketClient client;
    private Session session;

    @BeforeEach
    void connect() {
        client = TestWebSocketClient.connect(server.uri());
        session = handler.awaitConnect();
    }

    @AfterEach
    void close() {
        assertThat(client.protocolViolations()).as("what the server sent").isEmpty();
        client.close();
    }

    @Test
    void messageThenCloseGetsTheEchoThenTheClose() { // 7.1.1, sequenced so the echo cannot race the close
        byte[] text = Support.text(10);
        client.sendMessage(Frame.TEXT, text, 1);
        Support.assertEchoed(client, text);

        client.sendClose(1000, "");

        assertThat(client.awaitClose().code()).isEqualTo(1000);
        client.awaitDisconnect();
    }

    @Test
    void secondCloseIsIgnored() { // 7.1.2
        client.send(Frame.close(1000, ""), Frame.close(1000, ""));

        client.awaitDisconnect();
        assertThat(Support.countFrames(client, Frame.CLOSE)).isEqualTo(1);
    }

    @Test
    void pingAfterCloseIsNotAnswered() { // 7.1.3
        client.send(Frame.close(1000, ""), Frame.ping("late".getBytes(StandardCharsets.UTF_8)));

        client.awaitDisconnect();
        assertThat(Support.countFrames(client, Frame.PONG)).isZero();
        assertThat(client.closeFrame()).isNotNull();
    }

    @Test
    void messageAfterCloseIsIgnored() { // 7.1.4
        client.send(Frame.close(1000, ""), Frame.text("{\"source\":4,\"data\":\"too late\"}"));

        client.awaitDisconnect();
        assertThat(client.pollMessage(Duration.ZERO)).isNull();
        assertThat(client.closeFrame()).isNotNull();
        assertThat(handler.events())
                .filteredOn(e -> e instanceof RecordingHandler.PacketReceived)
                .extracting(e -> ((RecordingHandler.PacketReceived) e).packet().data())
                .doesNotContain("too late");
    }

    @Test
    void fragmentThenCloseThenContinuationIsNotDelivered() { // 7.1.5
        client.send(
                new Frame(Frame.TEXT, false, 0, Support.text(4)),
                Frame.close(1000, ""),
                Frame.continuation(Support.text(4)));

        client.awaitDisconnect();
        assertThat(client.pollMessage(Duration.ZERO)).isNull();
        assertThat(client.closeFrame()).isNotNull();
    }

    @Test
    void emptyCloseIsAnswered() { // 7.3.1
        client.send(Frame.close(new byte[0]));

        CloseFrame close = client.awaitClose();
        assertThat(close.code()).isIn(CloseFrame.NO_STATUS, 1000);
        client.awaitDisconnect();
    }

    @Test
    void closeWithAOneBytePayloadFailsTheConnectionWith1002() { // 7.3.2
        client.send(Frame.close(new byte[] {0x03}));

        Support.assertFailedWith(client, 1002);
    }

    @ParameterizedTest(name = "7.3.x: reason of {0} bytes")
    @ValueSource(ints = {0, 5, 123})
    void closeWithAReasonIsEchoed(int reasonBytes) { // 7.3.3-7.3.5
        client.sendClose(1000, "r".repeat(reasonBytes));

        assertThat(client.awaitClose().code()).isEqualTo(1000);
        client.awaitDisconnect();
    }

    @Test
    void closeWithA124ByteReasonFailsTheConnectionWith1002() { // 7.3.6: 126 bytes of payload
        client.sendClose(1000, "r".repeat(124));

        Support.assertFailedWith(client, 1002);
    }

    @Test
    void closeReasonThatIsNotUtf8FailsTheConnection() { // 7.5.1
        byte[] payload = {
            0x03,
            (byte) 0xE8,
            (byte) 0xCE,
            (byte) 0xBA,
            (byte) 0xE1,
            (byte) 0xBD,
            (byte) 0xB9,
            (byte) 0xED,
            (byte) 0xA0,
            (byte) 0x80
        };
        client.send(Frame.close(payload));

        assertThat(client.awaitClose().code()).isIn(1002, 1007);
        client.awaitDisconnect();
    }

    @ParameterizedTest(name = "7.7.x: {0}")
    @ValueSource(ints = {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 3999, 4000, 4999})
    void validCloseCodeIsEchoed(int code) {
        client.sendClose(code, "");

        assertThat(client.awaitClose().code()).isEqualTo(code);
        client.awaitDisconnect();
        assertThat(handler.assertDisconnected(session, code).status().byPeer()).isTrue();
    }

    @ParameterizedTest(name = "7.9.x: {0}")
    @ValueSource(ints = {0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999})
    void invalidCloseCodeFailsTheConnectionWith1002(int code) {
        client.sendClose(code, "");

        Support.assertFailedWith(client, 1002);
        handler.assertDisconnected(session, 1002);
    }

    @Test
    void serverEndsTheTcpConnectionAfterTheClosingHandshake() {
        client.sendClose(1000, "");

        client.awaitClose();
        client.awaitDisconnect(Duration.ofSeconds(2));
        assertThat(client.isConnected()).isFalse();
    }
}
