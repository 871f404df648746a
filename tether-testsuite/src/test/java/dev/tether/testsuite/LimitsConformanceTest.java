package dev.tether.testsuite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.testing.Frame;
import dev.tether.testing.TestWebSocketClient;
import dev.tether.testing.TetherServerExtension;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Large messages after Autobahn|Testsuite case groups 9 and 10, scaled to the configured limit (256 KiB here, to
 * keep the suite fast; Autobahn goes to 16 MiB, and {@link LargeMessageTest} covers 1 MiB): text and binary messages up to the limit in one frame (9.1, 9.2), in fragments from
 * 64 bytes to the whole message, at most 4096 of them (9.3, 9.4), in one frame written in small pieces (9.5, 9.6), a thousand small
 * messages in a row (9.7, 9.8), a 64 KiB message the server fragments on the way back (10.1.1), and one byte
 * over the limit failing with 1009. See {@link FramingConformanceTest} for how the echo works.
 */
class LimitsConformanceTest {
    private static final int LIMIT = 256 << 10;

    @RegisterExtension
    static final TetherServerExtension server = TetherServerExtension.of(
                    b -> b.handler(Support.echo()).maxFrameBytes(LIMIT).maxMessageBytes(LIMIT))
            .perClass();

    private TestWebSocketClient client;

    @BeforeEach
    void connect() {
        // Megabyte echoes on a busy two-core machine: a wider bound than the default 5 s.
        client = TestWebSocketClient.builder(server.uri())
                .timeout(Duration.ofSeconds(15))
                .connect();
    }

    @AfterEach
    void close() {
        assertThat(client.protocolViolations()).as("what the server sent").isEmpty();
        client.close();
    }

    @ParameterizedTest(name = "9.1.x: text of {0} bytes")
    @ValueSource(ints = {64 << 10, 128 << 10, LIMIT})
    void textUpToTheLimitIsEchoed(int size) {
        byte[] text = Support.text(size);
        client.sendMessage(Frame.TEXT, text, 1);

        Support.assertEchoed(client, text);
    }

    @ParameterizedTest(name = "9.2.x: binary of {0} bytes")
    @ValueSource(ints = {64 << 10, 128 << 10, LIMIT})
    void binaryUpToTheLimitIsEchoed(int size) {
        byte[] binary = Support.binary(size);
        client.sendBinary(binary);

        Support.assertEchoed(client, binary);
    }

    @ParameterizedTest(name = "9.3.x/9.4.x: {0}-byte fragments")
    @ValueSource(ints = {64, 256, 1024, 4096, 16384, 65536, LIMIT})
    void messageAtTheLimitInFragmentsIsEchoed(int fragmentBytes) {
        // At most 4096 fragments: at PARANOID leak detection every frame's buffers record stack traces, so
        // Autobahn's 65 536 fragments would measure the detector more than the server.
        byte[] text = Support.text(LIMIT);
        client.sendMessage(Frame.TEXT, text, LIMIT / fragmentBytes);

        Support.assertEchoed(client, text);
    }

    @ParameterizedTest(name = "9.5.x/9.6.x: the limit written {0} bytes at a time")
    @ValueSource(ints = {64, 4096})
    void messageWrittenInSmallPiecesIsEchoed(int chop) {
        byte[] binary = Support.binary(LIMIT);
        client.sendRaw(Support.wire(Frame.binary(binary)), chop);

        Support.assertEchoed(client, binary);
    }

    @Test
    void thousandSmallMessagesAreEchoedInOrder() { // 9.7, 9.8
        for (int i = 0; i < 1000; i++) {
            client.sendMessage(Frame.TEXT, ("*message " + i).getBytes(java.nio.charset.StandardCharsets.UTF_8), 1);
        }

        for (int i = 0; i < 1000; i++) {
            Support.assertEchoed(client, ("*message " + i).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    @Test
    void messageOf64KiBIsEchoedAsOneFrameAndLargerRepliesAreFragmented() { // 10.1.1
        byte[] text = Support.text(64 << 10);
        client.sendMessage(Frame.TEXT, text, 1);

        Support.assertEchoed(client, text);
        // The echo is a base64 JSON packet, over 64 KiB, so the server sent it in 64 KiB frames.
        assertThat(client.receivedFrames()).hasSizeGreaterThan(1);
        assertThat(client.receivedFrames().get(0).payload()).hasSize(64 << 10);
    }

    @Test
    void messageOneByteOverTheLimitFailsTheConnectionWith1009() {
        client.sendMessage(Frame.TEXT, Support.text(LIMIT + 1), 2);

        Support.assertFailedWith(client, 1009);
    }
}
