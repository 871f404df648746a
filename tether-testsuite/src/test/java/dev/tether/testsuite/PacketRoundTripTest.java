package dev.tether.testsuite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.Packet;
import dev.tether.core.PacketSource;
import dev.tether.core.WireFormat;
import dev.tether.server.TetherServer;
import dev.tether.testing.Message;
import dev.tether.testing.RecordingHandler;
import dev.tether.testing.TestWebSocketClient;
import dev.tether.testing.TetherServerExtension;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Packets both ways with an echoing handler: JSON with generic clients, MessagePack with framework clients. */
class PacketRoundTripTest {
    final RecordingHandler handler = new RecordingHandler(Support.echo());

    @RegisterExtension
    final TetherServerExtension server = TetherServerExtension.of(b -> b.handler(handler));

    @Test
    void genericClientGetsJsonRepliesInTextFrames() {
        try (TestWebSocketClient client = TestWebSocketClient.connect(server.uri())) {
            client.sendText("{\"source\":4,\"data\":{\"n\":1,\"list\":[\"a\",true,null]}}");

            Packet received = handler.awaitPacket().packet();
            assertThat(received.source()).isEqualTo(PacketSource.CUSTOM);
            assertThat(received.data()).isEqualTo(Map.of("n", 1, "list", java.util.Arrays.asList("a", true, null)));
            Message reply = client.awaitMessage();
            assertThat(reply.isText()).isTrue();
            Packet echoed = TestWebSocketClient.decode(WireFormat.JSON, reply.payload());
            assertThat(echoed.source()).isEqualTo(PacketSource.CUSTOM);
            assertThat(echoed.data()).isEqualTo(received.data());
        }
    }

    @Test
    void genericClientMaySendJsonInBinaryFrames() {
        try (TestWebSocketClient client = TestWebSocketClient.connect(server.uri())) {
            client.sendBinary("{\"source\":4,\"data\":\"in binary\"}".getBytes(StandardCharsets.UTF_8));

            assertThat(handler.awaitPacket().packet().data()).isEqualTo("in binary");
            assertThat(client.awaitPacket().data()).isEqualTo("in binary");
        }
    }

    @Test
    void jsonInBinaryFramesOptionSendsJsonInBinaryFrames() {
        try (TetherServer binary =
                        Support.startServer(b -> b.handler(Support.echo()).jsonInBinaryFrames(true));
                TestWebSocketClient client = TestWebSocketClient.connect(Support.uri(binary))) {
            client.sendPacket(Packet.custom("hello"));

            Message reply = client.awaitMessage();
            assertThat(reply.isText()).isFalse();
            assertThat(TestWebSocketClient.decode(WireFormat.JSON, reply.payload())
                            .data())
                    .isEqualTo("hello");
        }
    }

    @Test
    void frameworkClientGetsMsgpackRepliesInBinaryFrames() {
        try (TestWebSocketClient client = TestWebSocketClient.builder(server.uri())
                .subprotocols(WireFormat.SUBPROTOCOL)
                .connect()) {
            Packet sent = Packet.channel("news", Map.of("bytes", new byte[] {1, 2, 3}, "n", 7L))
                    .withCorrelationId("c-1");
            client.sendPacket(sent);

            Packet received = handler.awaitPacket().packet();
            assertThat(received.source()).isEqualTo(PacketSource.CHANNEL);
            assertThat(received.channel()).isEqualTo("news");
            assertThat(received.correlationId()).isEqualTo("c-1");
            Message reply = client.awaitMessage();
            assertThat(reply.isText()).isFalse();
            Packet echoed = TestWebSocketClient.decode(WireFormat.MSGPACK, reply.payload());
            assertThat(echoed.channel()).isEqualTo("news");
            @SuppressWarnings("unchecked")
            Map<String, Object> data = (Map<String, Object>) echoed.data();
            assertThat((byte[]) data.get("bytes")).containsExactly(1, 2, 3);
            assertThat(((Number) data.get("n")).longValue()).isEqualTo(7L);
        }
    }

    @Test
    void plainTextArrivesAsUnknownWithTheRawBytes() {
        try (TestWebSocketClient client = TestWebSocketClient.connect(server.uri())) {
            client.sendText("hello, I am not JSON");

            Packet received = handler.awaitPacket().packet();
            assertThat(received.source()).isEqualTo(PacketSource.UNKNOWN);
            assertThat((byte[]) received.data()).isEqualTo("hello, I am not JSON".getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void jsonWithoutSourceArrivesAsUnknownWithTheRawBytes() {
        try (TestWebSocketClient client = TestWebSocketClient.connect(server.uri())) {
            byte[] json = "{\"data\":1}".getBytes(StandardCharsets.UTF_8);
            client.sendText("{\"data\":1}");

            Packet received = handler.awaitPacket().packet();
            assertThat(received.source()).isEqualTo(PacketSource.UNKNOWN);
            assertThat((byte[]) received.data()).isEqualTo(json);
        }
    }

    @Test
    void badMsgpackArrivesAsUnknownWithTheRawBytes() {
        try (TestWebSocketClient client = TestWebSocketClient.builder(server.uri())
                .subprotocols(WireFormat.SUBPROTOCOL)
                .connect()) {
            byte[] bad = {(byte) 0xC1, 0x01, 0x02}; // 0xC1 is never used in MessagePack
            client.sendBinary(bad);

            Packet received = handler.awaitPacket().packet();
            assertThat(received.source()).isEqualTo(PacketSource.UNKNOWN);
            assertThat((byte[]) received.data()).isEqualTo(bad);
            assertThat(Support.echoedBytes(client.awaitPacket())).isEqualTo(bad);
        }
    }

    @Test
    void valueSentByTheServerArrivesAsACustomPacket() {
        try (TestWebSocketClient client = TestWebSocketClient.connect(server.uri())) {
            handler.awaitConnect().send(List.of("from", "server"));

            Packet received = client.awaitPacket();
            assertThat(received.source()).isEqualTo(PacketSource.CUSTOM);
            assertThat(received.data()).isEqualTo(List.of("from", "server"));
        }
    }

    @Test
    void packetsFromOneClientArriveInOrder() {
        try (TestWebSocketClient client = TestWebSocketClient.connect(server.uri())) {
            for (int i = 0; i < 100; i++) {
                client.sendPacket(Packet.custom(i));
            }

            for (int i = 0; i < 100; i++) {
                assertThat(handler.awaitPacket().packet().data()).isEqualTo(i);
            }
            for (int i = 0; i < 100; i++) {
                assertThat(client.awaitPacket().data()).isEqualTo(i);
            }
        }
    }

    @Test
    void onConnectRunsBeforeTheFirstPacketIsHandled() {
        try (TestWebSocketClient client = TestWebSocketClient.connect(server.uri())) {
            client.sendPacket(Packet.custom("first"));

            handler.awaitPacket();
            assertThat(handler.events()).first().isInstanceOf(RecordingHandler.Connected.class);
            handler.assertContractKept();
        }
    }
}
