package dev.tether.testsuite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.Packet;
import dev.tether.core.PacketSource;
import dev.tether.core.WireFormat;
import dev.tether.server.Session;
import dev.tether.server.TetherHandler;
import dev.tether.testing.Frame;
import dev.tether.testing.Message;
import dev.tether.testing.TestWebSocketClient;
import dev.tether.testing.TetherServerExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Publications and broadcasts reach sessions as prepared frames (header and payload made once), and a session's
 * own sends get their header written in place in front of the encoding, unless the session may compress or the
 * message is over 64 KiB. Every length form of the frame header (7-bit, 16-bit and 64-bit lengths, and their
 * edges at 125/126 and 65,535/65,536 bytes) arrives whole and valid on each of these paths, in both formats and
 * beside a permessage-deflate client, checked by the test client's strict frame parser.
 */
class PublicationFramingTest {
    private static final String CHANNEL = "news";

    private final BlockingQueue<Session> connected = new LinkedBlockingQueue<>();

    // Each test sends its 56 messages (about 2 MB) in one burst: room for all of them, so that a subscriber reading
    // a little behind is not a slow consumer.
    @RegisterExtension
    final TetherServerExtension server = TetherServerExtension.of(b -> b.perMessageDeflate(true)
            .maxSubscribedChannels(0)
            .writeBufferWaterMarks(8 << 20, 16 << 20)
            .maxQueuedBytes(32 << 20)
            .handler(new TetherHandler() {
                @Override
                public void onConnect(Session session) {
                    session.subscribe(CHANNEL);
                    connected.add(session);
                }
            }));

    @Test
    void everyHeaderLengthFormOfAPublicationArrivesWhole() throws Exception {
        assertEveryLengthArrives(
                d -> Packet.channel(CHANNEL, d),
                PacketSource.CHANNEL,
                (sessions, data) ->
                        assertThat(server.server().publish(CHANNEL, data)).isEqualTo(3));
    }

    @Test
    void everyHeaderLengthFormOfABroadcastArrivesWhole() throws Exception {
        assertEveryLengthArrives(
                Packet::broadcast,
                PacketSource.BROADCAST,
                (sessions, data) -> assertThat(server.server().broadcast(data)).isEqualTo(3));
    }

    @Test
    void everyHeaderLengthFormOfASessionSendArrivesWhole() throws Exception {
        assertEveryLengthArrives(d -> Packet.channel(CHANNEL, d), PacketSource.CHANNEL, (sessions, data) -> {
            for (Session session : sessions) {
                assertThat(session.send(Packet.channel(CHANNEL, data))).isTrue();
            }
        });
    }

    /** How a test hands {@code data} to the three sessions. */
    private interface Sender {
        void send(List<Session> sessions, String data) throws Exception;
    }

    private void assertEveryLengthArrives(Function<String, Packet> envelope, PacketSource source, Sender sender)
            throws Exception {
        try (TestWebSocketClient json = TestWebSocketClient.connect(server.uri());
                TestWebSocketClient msgpack = TestWebSocketClient.builder(server.uri())
                        .subprotocols(WireFormat.SUBPROTOCOL)
                        .connect();
                TestWebSocketClient compressed = TestWebSocketClient.builder(server.uri())
                        .perMessageDeflate()
                        .connect()) {
            List<Session> sessions = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Session session = connected.poll(5, TimeUnit.SECONDS);
                assertThat(session).as("session %d connected", i).isNotNull();
                sessions.add(session);
            }
            assertThat(compressed.isCompressed()).isTrue();

            List<String> sent = new ArrayList<>();
            // Data lengths whose encoded packets land on and around each edge, in each format.
            for (WireFormat format : WireFormat.values()) {
                int overhead = TestWebSocketClient.encode(format, envelope.apply("")).length;
                for (int edge : new int[] {125, 126, 65_535, 65_536}) {
                    for (int d = -3; d <= 3; d++) {
                        sent.add("x".repeat(edge - overhead + d));
                    }
                }
            }
            for (String data : sent) {
                sender.send(sessions, data);
            }

            for (TestWebSocketClient client : List.of(json, msgpack, compressed)) {
                WireFormat format = client == msgpack ? WireFormat.MSGPACK : WireFormat.JSON;
                for (String data : sent) {
                    Message message = client.awaitMessage();
                    Packet packet = TestWebSocketClient.decode(format, message.payload());
                    assertThat(packet.source()).isEqualTo(source);
                    assertThat(packet.data()).isEqualTo(data);
                }
                assertThat(client.protocolViolations()).isEmpty();
                assertThat(client.receivedFrames())
                        .extracting(Frame::opcode)
                        .containsOnly(client == msgpack ? Frame.BINARY : Frame.TEXT, Frame.CONTINUATION);
            }
            for (TestWebSocketClient client : List.of(json, msgpack)) {
                assertThat(client.receivedFrames())
                        .extracting(f -> f.payload().length)
                        .contains(125, 126, 65_535, 65_536);
            }
        }
    }
}
