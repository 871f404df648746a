package dev.tether.testsuite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.testing.Frame;
import dev.tether.testing.Message;
import dev.tether.testing.TestWebSocketClient;
import dev.tether.testing.TetherServerExtension;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * permessage-deflate (RFC 7692) with {@code perMessageDeflate(true)}, after the basics of Autobahn|Testsuite
 * case groups 12 and 13: compressed messages of 16 bytes to 128 KiB both ways, whole and in fragments of the
 * compressed bytes (12.1.x-12.5.x); offers with {@code client_no_context_takeover} and {@code
 * server_no_context_takeover}, which the server may accept or decline but must then honour (13.x); and the
 * rules that remain: RSV1 only on the first frame of a data message of a connection that agreed to compression
 * (and not on messages under {@code deflateThresholdBytes}),
 * RSV2 and RSV3 never, and the message limit applied to the inflated size. See {@link FramingConformanceTest}
 * for how the echo works.
 */
class CompressionConformanceTest {
    private static final int LIMIT = 1 << 20;
    /** Messages under {@code deflateThresholdBytes} (256 by default) go out uncompressed. */
    private static final int THRESHOLD = 256;

    @RegisterExtension
    static final TetherServerExtension server = TetherServerExtension.of(b -> b.handler(Support.echo())
                    .perMessageDeflate(true)
                    .maxFrameBytes(LIMIT)
                    .maxMessageBytes(LIMIT))
            .perClass();

    @Test
    void permessageDeflateIsAgreedWhenOffered() {
        try (TestWebSocketClient client = deflateClient("permessage-deflate")) {
            assertThat(client.handshakeResponse().header("sec-websocket-extensions"))
                    .startsWith("permessage-deflate");
            assertThat(client.isCompressed()).isTrue();
        }
    }

    @ParameterizedTest(name = "12.x: {0} bytes")
    @ValueSource(ints = {16, 64, 256, 1024, 4096, 8192, 16384, 32768, 65536, 131072})
    void compressedMessagesAreEchoedCompressed(int size) {
        try (TestWebSocketClient client = deflateClient("permessage-deflate")) {
            byte[] text = compressibleText(size);
            for (int i = 0; i < 3; i++) { // the window carries over between messages
                client.sendMessage(Frame.TEXT, text, 1);
                Support.assertEchoed(client, text);
            }

            int rsv = client.receivedFrames().get(0).rsv();
            assertThat(rsv).isEqualTo(size >= THRESHOLD ? Frame.RSV1 : 0); // the echo's packet is a little larger
            assertThat(client.protocolViolations()).isEmpty();
        }
    }

    @ParameterizedTest(name = "12.x: {0} bytes in {1}-byte fragments of compressed data")
    @CsvSource({"4096, 256", "65536, 4096", "131072, 64", "16384, 16"})
    void compressedMessagesInFragmentsAreEchoed(int size, int fragmentBytes) {
        try (TestWebSocketClient client = deflateClient("permessage-deflate")) {
            byte[] text = randomText(size);
            int compressedSize = sizeWhenCompressed(text);
            client.sendMessage(Frame.TEXT, text, Math.max(2, compressedSize / fragmentBytes));

            Support.assertEchoed(client, text);
            assertThat(client.protocolViolations()).isEmpty();
        }
    }

    @ParameterizedTest(name = "13.x: {0}")
    @ValueSource(
            strings = {
                "permessage-deflate; client_no_context_takeover",
                "permessage-deflate; server_no_context_takeover",
                "permessage-deflate; client_no_context_takeover; server_no_context_takeover",
                "permessage-deflate; server_max_window_bits=15",
                "permessage-deflate; server_max_window_bits=9",
                "permessage-deflate, x-webkit-deflate-frame"
            })
    void offerIsAcceptedOrDeclinedAndThenHonoured(String offer) {
        try (TestWebSocketClient client = deflateClient(offer)) {
            byte[] text = compressibleText(5000);
            for (int i = 0; i < 3; i++) {
                client.sendMessage(Frame.TEXT, text, 1);
                Support.assertEchoed(client, text);
            }

            String answer = client.handshakeResponse().header("sec-websocket-extensions");
            if (answer != null) {
                assertThat(answer).startsWith("permessage-deflate");
                assertThat(answer).doesNotContain("x-webkit");
            }
            assertThat(client.protocolViolations()).isEmpty();
        }
    }

    /** Declining these left such clients uncompressed; Autobahn 13.2-13.6 counted them UNIMPLEMENTED. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "permessage-deflate; server_no_context_takeover",
                "permessage-deflate; server_max_window_bits=9",
                "permessage-deflate; server_max_window_bits=15",
                "permessage-deflate; server_no_context_takeover; server_max_window_bits=9"
            })
    void everyServerParameterAClientMayAskForIsGranted(String offer) {
        try (TestWebSocketClient client = deflateClient(offer)) {
            String answer = client.handshakeResponse().header("sec-websocket-extensions");
            assertThat(answer).as("the agreed extension").isNotNull().startsWith("permessage-deflate");
            for (String parameter : offer.substring(offer.indexOf(';') + 1).split(";")) {
                if (!parameter.trim().equals("server_max_window_bits=15")) { // the default need not be repeated
                    assertThat(answer).contains(parameter.trim());
                }
            }
            byte[] text = compressibleText(50_000);
            for (int i = 0; i < 3; i++) {
                client.sendMessage(Frame.TEXT, text, 1);
                Support.assertEchoed(client, text);
            }
            assertThat(client.isCompressed()).isTrue();
            assertThat(client.protocolViolations()).isEmpty();
        }
    }

    @Test
    void uncompressedMessageOnACompressedConnectionIsAccepted() {
        try (TestWebSocketClient client = deflateClient("permessage-deflate")) {
            byte[] text = Support.text(100);
            client.send(Frame.text(text)); // RSV1 clear: sent as it is

            Support.assertEchoed(client, text);
        }
    }

    @Test
    void clientWithoutTheExtensionGetsUncompressedMessages() {
        try (TestWebSocketClient client = TestWebSocketClient.connect(server.uri())) {
            byte[] text = compressibleText(5000);
            client.sendMessage(Frame.TEXT, text, 1);

            Support.assertEchoed(client, text);
            assertThat(client.handshakeResponse().header("sec-websocket-extensions"))
                    .isNull();
            assertThat(client.receivedFrames())
                    .allSatisfy(f -> assertThat(f.rsv()).isZero());
        }
    }

    @Test
    void rsv1WithoutAgreedCompressionFailsTheConnectionWith1002() {
        try (TestWebSocketClient client = TestWebSocketClient.connect(server.uri())) {
            client.send(Frame.text(Support.text(10)).withRsv(Frame.RSV1));

            Support.assertFailedWith(client, 1002);
        }
    }

    @ParameterizedTest(name = "RSV {0}")
    @ValueSource(ints = {1, 2, 3, 5, 6, 7})
    void reservedBitsOtherThanRsv1FailTheConnectionWith1002(int rsv) {
        try (TestWebSocketClient client = deflateClient("permessage-deflate")) {
            client.send(Frame.text(Support.text(10)).withRsv(rsv));

            Support.assertFailedWith(client, 1002);
        }
    }

    @Test
    void rsv1OnAControlFrameFailsTheConnectionWith1002() {
        try (TestWebSocketClient client = deflateClient("permessage-deflate")) {
            client.send(Frame.ping(new byte[] {1}).withRsv(Frame.RSV1));

            Support.assertFailedWith(client, 1002);
            assertThat(Support.countFrames(client, Frame.PONG)).isZero();
        }
    }

    @Test
    void rsv1OnAContinuationFrameFailsTheConnectionWith1002() {
        try (TestWebSocketClient client = deflateClient("permessage-deflate")) {
            client.send(
                    new Frame(Frame.TEXT, false, 0, Support.text(4)),
                    new Frame(Frame.CONTINUATION, true, Frame.RSV1, Support.text(4)));

            Support.assertFailedWith(client, 1002);
        }
    }

    @Test
    void compressedMessageInflatingPastTheLimitFailsTheConnectionWith1009() {
        try (TestWebSocketClient client = deflateClient("permessage-deflate")) {
            byte[] zeros = new byte[2 * LIMIT]; // inflates to twice the limit from about 2 KiB on the wire
            client.sendMessage(Frame.BINARY, zeros, 1);

            Support.assertFailedWith(client, 1009);
        }
    }

    @Test
    void compressedDataThatDoesNotInflateFailsTheConnection() {
        try (TestWebSocketClient client = deflateClient("permessage-deflate")) {
            client.send(Frame.binary(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x00, 0x01})
                    .withRsv(Frame.RSV1));

            Message none = client.pollMessage(java.time.Duration.ZERO);
            assertThat(none).isNull();
            assertThat(client.awaitClose().code()).isIn(1002, 1007);
            client.awaitDisconnect();
        }
    }

    private TestWebSocketClient deflateClient(String offer) {
        return TestWebSocketClient.builder(server.uri())
                .perMessageDeflate(offer)
                .connect();
    }

    /** Text that compresses well: the lines of a made-up log. */
    private static byte[] compressibleText(int size) {
        StringBuilder text = new StringBuilder("*");
        for (int i = 0; text.length() < size; i++) {
            text.append("line ").append(i).append(": the quick brown fox jumps over the lazy dog\n");
        }
        return text.substring(0, size).getBytes(StandardCharsets.US_ASCII);
    }

    /** Letters from a fixed seed: compresses to about 60 %, so each fragment of it inflates to something. */
    private static byte[] randomText(int size) {
        byte[] text = new byte[size];
        Random random = new Random(12);
        for (int i = 0; i < size; i++) {
            text[i] = (byte) ('a' + random.nextInt(26));
        }
        text[0] = '*';
        return text;
    }

    private static int sizeWhenCompressed(byte[] data) {
        java.util.zip.Deflater deflater = new java.util.zip.Deflater(java.util.zip.Deflater.DEFAULT_COMPRESSION, true);
        try {
            deflater.setInput(data);
            deflater.finish();
            byte[] buffer = new byte[data.length + 64];
            return deflater.deflate(buffer);
        } finally {
            deflater.end();
        }
    }
}
