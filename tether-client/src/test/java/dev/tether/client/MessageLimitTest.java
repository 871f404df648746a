package dev.tether.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.testing.fault.Fault;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * What the client takes from the server: a message larger than its limits ends the connection with 1009, text that is
 * not UTF-8 with 1007; and limits that contradict each other are refused when the configuration is built.
 */
class MessageLimitTest extends ConnectionTestBase {

    @Test
    void oversizedMessageFromTheServerClosesWith1009() throws Exception {
        server.defaultFault(Fault.echo().greeting("x".repeat(4096)));
        RecordingProtocol protocol = new RecordingProtocol();
        ClientConnection connection =
                connection(config().protocol(protocol).maxMessageBytes(1024).maxFrameBytes(1024));

        connection.connect();

        assertThat(server.takeCloseCode(RecordingListener.TIMEOUT)).isEqualTo(1009);
        assertThat(protocol.texts).isEmpty();
    }

    @Test
    void textThatIsNotUtf8FromTheServerClosesWith1007() throws Exception {
        // 0xC0 0xAF is an overlong encoding of '/': never valid UTF-8 (Autobahn 6.x found the client took it).
        server.defaultFault(Fault.echo().textGreeting(new byte[] {'o', 'k', (byte) 0xC0, (byte) 0xAF}));
        RecordingProtocol protocol = new RecordingProtocol();
        ClientConnection connection = connection(config().protocol(protocol));

        connection.connect();

        assertThat(server.takeCloseCode(RecordingListener.TIMEOUT)).isEqualTo(1007);
        assertThat(protocol.texts).isEmpty();
    }

    @Test
    void echoFromTheCallbackGoesOutBeforeABadFrameReadWithItFailsTheConnection() throws Exception {
        // Both frames arrive in one read: the echo of the first, sent from onText, must be written before the
        // second fails the connection (Autobahn 3.2-5.15 found it queued behind the failure and dropped).
        server.defaultFault(
                Fault.echo().textGreeting("first".getBytes(StandardCharsets.UTF_8), new byte[] {(byte) 0xFF}));
        RecordingProtocol protocol = new RecordingProtocol() {
            @Override
            public void onText(ClientSession session, String text) {
                super.onText(session, text);
                session.sendText("echo " + text);
            }
        };
        ClientConnection connection = connection(config().protocol(protocol));

        connection.connect();

        assertThat(server.takeText(RecordingListener.TIMEOUT)).isEqualTo("echo first");
        assertThat(server.takeCloseCode(RecordingListener.TIMEOUT)).isEqualTo(1007);
    }

    @Test
    void frameLimitAboveTheMessageLimitIsRefusedNamingBothSettings() {
        ConnectionConfig.Builder contradicting =
                ConnectionConfig.builder().uri("ws://127.0.0.1:1/").maxMessageBytes(1024);

        assertThatThrownBy(contradicting::build)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxFrameBytes: 1048576 (expected: <= maxMessageBytes 1024)");
    }
}
