package dev.tether.testsuite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.Packet;
import dev.tether.core.PacketSource;
import dev.tether.core.WireFormat;
import dev.tether.server.ClientType;
import dev.tether.testing.RecordingHandler;
import dev.tether.testing.TestWebSocketClient;
import dev.tether.testing.TetherServerExtension;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The JDK's own WebSocket client, an implementation independent of Netty, talks to the server. */
class JdkClientInteropTest {
    final RecordingHandler handler = new RecordingHandler(Support.echo());

    @RegisterExtension
    final TetherServerExtension server = TetherServerExtension.of(b -> b.handler(handler));

    @Test
    void jdkClientExchangesJsonPackets() throws Exception {
        Recorder recorder = new Recorder();
        WebSocket ws = HttpClient.newHttpClient()
                .newWebSocketBuilder()
                .buildAsync(server.uri(), recorder)
                .get(5, TimeUnit.SECONDS);
        try {
            assertThat(ws.getSubprotocol()).isEmpty();
            ws.sendText("{\"source\":4,\"data\":\"from the JDK\"}", true).get(5, TimeUnit.SECONDS);

            assertThat(handler.awaitConnect().clientType()).isEqualTo(ClientType.GENERIC);
            Received reply = recorder.next();
            assertThat(reply.text()).isTrue();
            Packet packet = TestWebSocketClient.decode(WireFormat.JSON, reply.bytes());
            assertThat(packet.source()).isEqualTo(PacketSource.CUSTOM);
            assertThat(packet.data()).isEqualTo("from the JDK");
        } finally {
            ws.abort();
        }
    }

    @Test
    void jdkClientExchangesMsgpackPacketsWithTheSubprotocol() throws Exception {
        Recorder recorder = new Recorder();
        WebSocket ws = HttpClient.newHttpClient()
                .newWebSocketBuilder()
                .subprotocols(WireFormat.SUBPROTOCOL)
                .buildAsync(server.uri(), recorder)
                .get(5, TimeUnit.SECONDS);
        try {
            assertThat(ws.getSubprotocol()).isEqualTo("webshocket.v1");
            byte[] msgpack = TestWebSocketClient.encode(WireFormat.MSGPACK, Packet.custom("from the JDK"));
            ws.sendBinary(ByteBuffer.wrap(msgpack), true).get(5, TimeUnit.SECONDS);

            assertThat(handler.awaitConnect().clientType()).isEqualTo(ClientType.FRAMEWORK);
            Received reply = recorder.next();
            assertThat(reply.text()).isFalse();
            assertThat(TestWebSocketClient.decode(WireFormat.MSGPACK, reply.bytes())
                            .data())
                    .isEqualTo("from the JDK");
        } finally {
            ws.abort();
        }
    }

    @Test
    void jdkClientReassemblesAFragmentedReply() throws Exception {
        Recorder recorder = new Recorder();
        WebSocket ws = HttpClient.newHttpClient()
                .newWebSocketBuilder()
                .buildAsync(server.uri(), recorder)
                .get(5, TimeUnit.SECONDS);
        try {
            Packet big = Support.jsonPacketOfSize(300_000);
            String json = new String(TestWebSocketClient.encode(WireFormat.JSON, big), StandardCharsets.UTF_8);
            ws.sendText(json, true).get(5, TimeUnit.SECONDS);

            Received reply = recorder.next();
            assertThat(reply.bytes()).hasSize(300_000);
            assertThat(TestWebSocketClient.decode(WireFormat.JSON, reply.bytes())
                            .data())
                    .isEqualTo(big.data());
        } finally {
            ws.abort();
        }
    }

    @Test
    void jdkClientCloseIsEchoedAndEndsTheSession() throws Exception {
        Recorder recorder = new Recorder();
        WebSocket ws = HttpClient.newHttpClient()
                .newWebSocketBuilder()
                .buildAsync(server.uri(), recorder)
                .get(5, TimeUnit.SECONDS);
        handler.awaitConnect();

        ws.sendClose(1000, "bye").get(5, TimeUnit.SECONDS);

        assertThat(recorder.closeCode.get(5, TimeUnit.SECONDS)).isEqualTo(1000);
        RecordingHandler.Disconnected disconnected = handler.awaitDisconnect();
        assertThat(disconnected.status().code()).isEqualTo(1000);
        assertThat(disconnected.status().reason()).isEqualTo("bye");
        assertThat(disconnected.status().byPeer()).isTrue();
    }

    private record Received(boolean text, byte[] bytes) {}

    /** Collects whole messages from the JDK client's callbacks. */
    private static final class Recorder implements WebSocket.Listener {
        private final LinkedBlockingQueue<Received> messages = new LinkedBlockingQueue<>();
        private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
        private final StringBuilder partialText = new StringBuilder();
        final CompletableFuture<Integer> closeCode = new CompletableFuture<>();

        Received next() throws InterruptedException {
            Received received = messages.poll(5, TimeUnit.SECONDS);
            assertThat(received).as("a message from the server within 5 s").isNotNull();
            return received;
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partialText.append(data);
            if (last) {
                messages.add(new Received(true, partialText.toString().getBytes(StandardCharsets.UTF_8)));
                partialText.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            partial.writeBytes(bytes);
            if (last) {
                messages.add(new Received(false, partial.toByteArray()));
                partial.reset();
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closeCode.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closeCode.completeExceptionally(error);
        }
    }
}
