package dev.tether.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.testing.fault.Fault;
import org.junit.jupiter.api.Test;

/** The client's own size limits: a message from the server larger than them ends the connection with 1009. */
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
}
