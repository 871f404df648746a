package dev.tether.testsuite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.testing.Frame;
import dev.tether.testing.Message;
import dev.tether.testing.TestWebSocketClient;
import dev.tether.testing.TetherServerExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * WebSocket framing after the Autobahn|Testsuite fuzzingclient, whose cases need Python 2 and cannot run here.
 *
 * <ul>
 *   <li>Case group 1 (framing): text and binary messages of 0, 125, 126, 127, 128, 65535 and 65536 bytes (the
 *       edges of the 7-bit, 16-bit and 64-bit length encodings), and 65536 bytes written 997 bytes at a time.
 *   <li>Case group 2 (pings and pongs): a ping's payload comes back in the pong; 125-byte pings are answered and
 *       126-byte ones fail the connection; unsolicited pongs are ignored; ten pings in a row, also written a byte
 *       at a time, are all answered.
 *   <li>Case group 3 (reserved bits): any RSV bit on any frame fails the connection with 1002, and nothing
 *       after the bad frame is answered.
 *   <li>Case group 4 (opcodes): reserved opcodes 3-7 and 11-15 fail the connection with 1002.
 * </ul>
 *
 * <p>Autobahn's echo server sends messages back byte for byte. Tether speaks packets, so these tests use a
 * handler that echoes each packet: a message that is not a packet arrives as UNKNOWN with its bytes, and comes
 * back in a JSON packet whose data holds them, which the test compares with what it sent. Unlike Autobahn the
 * reply is always TEXT. Where Autobahn accepts a failed connection with or without the echo of a message sent
 * just before the bad frame (its "non-strict" results), so do these tests: the handler runs on a worker
 * thread and may lose the race with the I/O thread's close.
 */
class FramingConformanceTest {
    @RegisterExtension
    static final TetherServerExtension server =
            TetherServerExtension.of(b -> b.handler(Support.echo())).perClass();

    private TestWebSocketClient client;

    @BeforeEach
    void connect() {
        client = TestWebSocketClient.connect(server.uri());
    }

    @AfterEach
    void close() {
        assertThat(client.protocolViolations()).as("what the server sent").isEmpty();
        client.close();
    }

    // ---- case group 1 ----

    @ParameterizedTest(name = "1.1.x: {0} bytes")
    @ValueSource(ints = {0, 125, 126, 127, 128, 65535, 65536})
    void textMessageIsEchoed(int length) {
        byte[] text = Support.text(length);
        client.sendMessage(Frame.TEXT, text, 1);

        Support.assertEchoed(client, text);
    }

    @ParameterizedTest(name = "1.2.x: {0} bytes")
    @ValueSource(ints = {0, 125, 126, 127, 128, 65535, 65536})
    void binaryMessageIsEchoed(int length) {
        byte[] binary = Support.binary(length);
        client.sendBinary(binary);

        Support.assertEchoed(client, binary);
    }

    @ParameterizedTest(name = "1.{0}.8: 65536 bytes in 997-byte writes")
    @ValueSource(ints = {Frame.TEXT, Frame.BINARY})
    void messageWrittenInChopsIsEchoed(int opcode) {
        byte[] payload = opcode == Frame.TEXT ? Support.text(65536) : Support.binary(65536);
        client.sendRaw(Support.wire(new Frame(opcode, true, 0, payload)), 997);

        Support.assertEchoed(client, payload);
    }

    // ---- case group 2 ----

    @Test
    void emptyPingIsAnsweredWithAnEmptyPong() { // 2.1
        client.sendPing(new byte[0]);

        assertThat(client.awaitPong().payload()).isEmpty();
    }

    @ParameterizedTest(name = "2.x: {0}-byte payload")
    @ValueSource(ints = {1, 11, 125}) // 2.2 text, 2.3 binary, 2.4 the largest
    void pingPayloadComesBackInThePong(int length) {
        byte[] payload = Support.binary(length);
        client.sendPing(payload);

        assertThat(client.awaitPong().payload()).isEqualTo(payload);
    }

    @Test
    void pingOf126BytesFailsTheConnectionWith1002() { // 2.5
        client.sendPing(Support.binary(126));

        Support.assertFailedWith(client, 1002);
        assertThat(Support.countFrames(client, Frame.PONG)).isZero();
    }

    @Test
    void pingWrittenOneByteAtATimeIsAnswered() { // 2.6
        byte[] payload = Support.binary(125);
        client.sendRaw(Support.wire(Frame.ping(payload)), 1);

        assertThat(client.awaitPong().payload()).isEqualTo(payload);
    }

    @ParameterizedTest(name = "2.x: unsolicited pong of {0} bytes")
    @ValueSource(ints = {0, 24}) // 2.7, 2.8; 2.9 is the ping that follows
    void unsolicitedPongIsIgnored(int length) {
        byte[] marker = "after the pong".getBytes(StandardCharsets.UTF_8);
        client.send(Frame.pong(Support.binary(length)), Frame.ping(marker));

        Frame next = client.awaitFrame();
        assertThat(next.opcode()).isEqualTo(Frame.PONG);
        assertThat(next.payload()).isEqualTo(marker);
    }

    @ParameterizedTest(name = "2.{0}: ten pings, {1}-byte writes")
    @CsvSource({"10, 0", "11, 1"})
    void tenPingsInARowAreAllAnswered(int autobahnCase, int chop) {
        Frame[] pings = new Frame[10];
        for (int i = 0; i < 10; i++) {
            pings[i] = Frame.ping(("ping " + i).getBytes(StandardCharsets.UTF_8));
        }
        if (chop == 0) {
            client.send(pings);
        } else {
            client.sendRaw(Support.wire(pings), chop);
        }

        for (int i = 0; i < 10; i++) {
            assertThat(client.awaitPong().payloadText()).isEqualTo("ping " + i);
        }
    }

    // ---- case group 3 ----

    @ParameterizedTest(name = "3.{0}: RSV {0} on a {1} frame")
    @CsvSource({
        "1, " + Frame.TEXT,
        "2, " + Frame.TEXT,
        "3, " + Frame.TEXT,
        "4, " + Frame.TEXT,
        "5, " + Frame.BINARY,
        "6, " + Frame.PING,
        "7, " + Frame.CLOSE
    })
    void reservedBitsFailTheConnectionWith1002(int rsv, int opcode) {
        byte[] good = Support.text(5);
        byte[] payload = opcode == Frame.CLOSE ? new byte[] {0x03, (byte) 0xE8} : Support.text(5);
        client.send(
                Frame.text(good),
                new Frame(opcode, true, rsv, payload),
                Frame.ping("must not be answered".getBytes(StandardCharsets.UTF_8)));

        assertFailedAfterOptionalEcho(good);
    }

    // ---- case group 4 ----

    @ParameterizedTest(name = "4.x: opcode {0}")
    @ValueSource(ints = {3, 4, 5, 6, 7, 11, 12, 13, 14, 15})
    void reservedOpcodeFailsTheConnectionWith1002(int opcode) {
        byte[] good = Support.text(5);
        client.send(
                Frame.text(good),
                new Frame(opcode, true, 0, Support.binary(opcode % 2 == 0 ? 10 : 0)),
                Frame.ping("must not be answered".getBytes(StandardCharsets.UTF_8)));

        assertFailedAfterOptionalEcho(good);
    }

    @Test
    void unmaskedFrameFailsTheConnectionWith1002() { // RFC 6455 5.1; not an Autobahn case
        client.sendUnmasked(Frame.text("no mask"));

        Support.assertFailedWith(client, 1002);
    }

    /**
     * The connection must fail with 1002 and no pong; a message that came before the bad frame may be echoed
     * first, and if it is, it must be intact.
     */
    private void assertFailedAfterOptionalEcho(byte[] good) {
        assertThat(client.awaitClose().code()).isEqualTo(1002);
        client.awaitDisconnect();
        assertThat(Support.countFrames(client, Frame.PONG))
                .as("pongs after the bad frame")
                .isZero();
        Message echo = client.pollMessage(Duration.ZERO);
        if (echo != null) {
            byte[] echoed = Support.echoedBytes(TestWebSocketClient.decode(client.wireFormat(), echo.payload()));
            assertThat(echoed).isEqualTo(good);
        }
        assertThat(client.pollMessage(Duration.ZERO)).isNull();
        assertThat(client.receivedFrames()).last().extracting(Frame::opcode).isEqualTo(Frame.CLOSE);
    }
}
