package dev.tether.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.ssl.SslContextBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestWebSocketClientTest {
    private NettyEchoServer server;

    @BeforeEach
    void start() throws InterruptedException {
        server = new NettyEchoServer(null, false);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void upgradesAndReceivesEchoedTextAndBinary() {
        try (TestWebSocketClient client = TestWebSocketClient.connect(server.uri("/"))) {
            client.sendText("héllo");
            client.sendBinary(new byte[] {1, 2, 3});

            assertThat(client.awaitText()).isEqualTo("héllo");
            Message binary = client.awaitMessage();
            assertThat(binary.isText()).isFalse();
            assertThat(binary.payload()).containsExactly(1, 2, 3);
            assertThat(client.handshakeResponse().status()).isEqualTo(101);
            assertThat(client.subprotocol()).isNull();
            assertThat(client.protocolViolations()).isEmpty();
        }
    }

    @Test
    void reportsTheChosenSubprotocol() {
        try (TestWebSocketClient client = TestWebSocketClient.builder(server.uri("/"))
                .subprotocols("chat", "webshocket.v1")
                .connect()) {
            assertThat(client.subprotocol()).isEqualTo("webshocket.v1");
            assertThat(client.wireFormat()).isEqualTo(dev.tether.core.WireFormat.MSGPACK);
        }
    }

    @Test
    void sendsAMessageInFragmentsAndReassemblesTheEchoedFrames() {
        try (TestWebSocketClient client = TestWebSocketClient.connect(server.uri("/"))) {
            byte[] data = "fragmented message".getBytes(StandardCharsets.UTF_8);
            client.sendMessage(Frame.TEXT, data, 5);

            Message message = client.awaitMessage();
            assertThat(message.text()).isEqualTo("fragmented message");
            assertThat(message.frames()).isEqualTo(5);
            assertThat(client.receivedFrames())
                    .extracting(Frame::opcode)
                    .containsExactly(
                            Frame.TEXT, Frame.CONTINUATION, Frame.CONTINUATION, Frame.CONTINUATION, Frame.CONTINUATION);
        }
    }

    @Test
    void sendsMoreFragmentsThanBytesAsEmptyFrames() {
        try (TestWebSocketClient client = TestWebSocketClient.connect(server.uri("/"))) {
            client.sendMessage(Frame.BINARY, new byte[] {7, 8}, 4);

            Message message = client.awaitMessage();
            assertThat(message.payload()).containsExactly(7, 8);
            assertThat(message.frames()).isEqualTo(4);
        }
    }

    @Test
    void pingIsAnsweredWithItsPayload() {
        try (TestWebSocketClient client = TestWebSocketClient.connect(server.uri("/"))) {
            client.sendPing(new byte[] {42});

            assertThat(client.awaitPong().payload()).containsExactly(42);
        }
    }

    @Test
    void rawBytesAreWrittenAsTheyAre() {
        try (TestWebSocketClient client = TestWebSocketClient.connect(server.uri("/"))) {
            byte[] frame = Frame.text("raw").encode(new byte[] {1, 2, 3, 4});
            client.sendRaw(frame, 1);

            assertThat(client.awaitText()).isEqualTo("raw");
        }
    }

    @Test
    void serverCloseIsRecordedAndEchoed() {
        try (TestWebSocketClient client = TestWebSocketClient.connect(server.uri("/"))) {
            client.sendText("bye");

            CloseFrame close = client.awaitClose();
            assertThat(close.code()).isEqualTo(1001);
            assertThat(close.reason()).isEqualTo("going");
            client.awaitDisconnect();
            assertThat(client.isConnected()).isFalse();
        }
    }

    @Test
    void awaitMessageFailsAtOnceWhenTheConnectionIsGone() {
        try (TestWebSocketClient client = TestWebSocketClient.connect(server.uri("/"))) {
            client.sendText("bye");
            client.awaitDisconnect();

            assertThatThrownBy(client::awaitMessage)
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("No message")
                    .hasMessageContaining("1001");
        }
    }

    @Test
    void unmaskedFrameMakesTheServerCloseWith1002() {
        try (TestWebSocketClient client = TestWebSocketClient.connect(server.uri("/"))) {
            client.sendUnmasked(Frame.text("no mask"));

            assertThat(client.awaitClose().code()).isEqualTo(1002);
        }
    }

    @Test
    void refusedHandshakeReportsStatusAndBody() {
        HandshakeResponse response =
                TestWebSocketClient.builder(server.uri("/full")).expectRejection();

        assertThat(response.status()).isEqualTo(503);
        assertThat(response.bodyText()).isEqualTo("Server is full, try again later.");
    }

    @Test
    void connectThrowsWithTheRefusal() {
        assertThatThrownBy(() -> TestWebSocketClient.connect(server.uri("/full")))
                .isInstanceOfSatisfying(
                        HandshakeException.class,
                        e -> assertThat(e.response().status()).isEqualTo(503));
    }

    @Test
    void connectionClosedWithoutAnswerIsReportedAsNoResponse() {
        HandshakeResponse response =
                TestWebSocketClient.builder(server.uri("/silent")).expectRejection();

        assertThat(response.status()).isEqualTo(HandshakeResponse.NO_RESPONSE);
    }

    @Test
    void expectRejectionFailsWhenTheServerUpgrades() {
        assertThatThrownBy(() -> TestWebSocketClient.builder(server.uri("/")).expectRejection())
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("switched protocols");
    }

    @Test
    void missingKeyIsRefused() {
        HandshakeResponse response = TestWebSocketClient.builder(server.uri("/"))
                .withoutHeader("Sec-WebSocket-Key")
                .expectRejection();

        assertThat(response.status()).isEqualTo(400);
    }

    @Test
    void largeMessageFromTheServerIsReassembled() {
        try (TestWebSocketClient client = TestWebSocketClient.connect(server.uri("/"))) {
            byte[] data = new byte[1 << 20];
            Arrays.fill(data, (byte) 'x');
            client.sendMessage(Frame.BINARY, data, 16);

            Message message = client.awaitMessage();
            assertThat(message.payload()).isEqualTo(data);
            assertThat(message.frames()).isEqualTo(16);
        }
    }

    @Test
    void permessageDeflateCompressesBothWays() throws InterruptedException {
        try (NettyEchoServer compressing = new NettyEchoServer(null, true);
                TestWebSocketClient client = TestWebSocketClient.builder(compressing.uri("/"))
                        .perMessageDeflate()
                        .connect()) {
            String repetitive = "compress me ".repeat(1000);
            // Fragments of a compressed message each big enough to inflate to something: Netty's decoder
            // refuses a first fragment that yields no output.
            String letters = new java.util.Random(1)
                    .ints(12_000, 'a', 'z' + 1)
                    .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                    .toString();
            client.sendText(repetitive);
            client.sendMessage(Frame.TEXT, letters.getBytes(StandardCharsets.UTF_8), 3);

            assertThat(client.isCompressed()).isTrue();
            assertThat(client.awaitText()).isEqualTo(repetitive);
            assertThat(client.awaitText()).isEqualTo(letters);
            assertThat(client.receivedFrames().get(0).rsv()).isEqualTo(Frame.RSV1);
            assertThat(client.receivedFrames().get(0).payload().length).isLessThan(repetitive.length() / 10);
            assertThat(client.protocolViolations()).isEmpty();
        }
    }

    @Test
    void connectsOverTlsTrustingAGeneratedCertificate(@TempDir Path dir) throws Exception {
        TestCertificates certificates = TestCertificates.create(dir);
        try (NettyEchoServer tls = new NettyEchoServer(
                        SslContextBuilder.forServer(
                                        certificates.certificatePem().toFile(),
                                        certificates.privateKeyPem().toFile())
                                .build(),
                        false);
                TestWebSocketClient client = TestWebSocketClient.builder(tls.uri("/"))
                        .trust(certificates.certificate())
                        .connect()) {
            client.sendText("secret");

            assertThat(client.awaitText()).isEqualTo("secret");
        }
    }

    @Test
    void tlsWithoutTrustFailsClearly(@TempDir Path dir) throws Exception {
        TestCertificates certificates = TestCertificates.create(dir);
        try (NettyEchoServer tls = new NettyEchoServer(
                SslContextBuilder.forServer(
                                certificates.certificatePem().toFile(),
                                certificates.privateKeyPem().toFile())
                        .build(),
                false)) {
            assertThatThrownBy(() -> TestWebSocketClient.connect(tls.uri("/")))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("TLS handshake");
        }
    }
}
