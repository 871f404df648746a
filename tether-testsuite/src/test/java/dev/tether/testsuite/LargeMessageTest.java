package dev.tether.testsuite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.Packet;
import dev.tether.core.WireFormat;
import dev.tether.testing.Frame;
import dev.tether.testing.Message;
import dev.tether.testing.RecordingHandler;
import dev.tether.testing.TestWebSocketClient;
import dev.tether.testing.TetherServerExtension;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Messages of 64 KiB, 64 KiB + 10 and 1 MiB both ways. The server sends a message over 64 KiB as 64 KiB frames
 * (the webshocket rule); it reassembles messages a client fragments.
 */
class LargeMessageTest {
    private static final int FRAME = 64 * 1024;

    final RecordingHandler handler = new RecordingHandler(Support.echo());

    @RegisterExtension
    final TetherServerExtension server = TetherServerExtension.of(b -> b.handler(handler));

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {FRAME, FRAME + 10, 1 << 20})
    void messageMakesTheRoundTripAndComesBackIn64KiBFrames(int size) {
        try (TestWebSocketClient client = TestWebSocketClient.connect(server.uri())) {
            Packet packet = Support.jsonPacketOfSize(size);
            client.sendPacket(packet);

            assertThat(handler.awaitPacket().packet().data()).isEqualTo(packet.data());
            Message reply = client.awaitMessage();
            assertThat(reply.payload()).hasSize(size);
            assertThat(TestWebSocketClient.decode(WireFormat.JSON, reply.payload())
                            .data())
                    .isEqualTo(packet.data());
            assertThat(client.receivedFrames())
                    .extracting(f -> f.payload().length)
                    .isEqualTo(frameSizes(size));
            assertThat(client.receivedFrames())
                    .extracting(Frame::opcode)
                    .first()
                    .isEqualTo(Frame.TEXT);
        }
    }

    @ParameterizedTest(name = "{0} bytes in {1} fragments")
    @CsvSource({"65546, 3", "1048576, 16", "1048576, 1000"})
    void messageFragmentedByTheClientIsReassembled(int size, int fragments) {
        try (TestWebSocketClient client = TestWebSocketClient.connect(server.uri())) {
            Packet packet = Support.jsonPacketOfSize(size);
            client.sendMessage(Frame.TEXT, TestWebSocketClient.encode(WireFormat.JSON, packet), fragments);

            assertThat(handler.awaitPacket().packet().data()).isEqualTo(packet.data());
            assertThat(client.awaitMessage().payload()).hasSize(size);
        }
    }

    private static List<Integer> frameSizes(int size) {
        List<Integer> sizes = new ArrayList<>();
        for (int left = size; left > 0; left -= FRAME) {
            sizes.add(Math.min(FRAME, left));
        }
        return sizes;
    }
}
