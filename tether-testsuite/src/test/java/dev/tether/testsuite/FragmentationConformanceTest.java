package dev.tether.testsuite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.testing.Frame;
import dev.tether.testing.TestWebSocketClient;
import dev.tether.testing.TetherServerExtension;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Fragmentation after Autobahn|Testsuite case group 5: control frames must not be fragmented (5.1, 5.2);
 * messages in any number of fragments are reassembled, also when written a byte at a time (5.3-5.5, and
 * 1000 or 10 000 one-byte fragments: the count must not be limited); control frames between fragments are
 * answered (5.6-5.8, 5.19, 5.20); a continuation without a message to continue (5.9-5.17) and a new data frame
 * inside a fragmented message (5.18) fail the connection with 1002. See {@link FramingConformanceTest} for how
 * the echo works.
 */
class FragmentationConformanceTest {
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

    @ParameterizedTest(name = "5.{0}: fragmented opcode {1}")
    @CsvSource({"1, " + Frame.PING, "2, " + Frame.PONG})
    void fragmentedControlFrameFailsTheConnectionWith1002(int autobahnCase, int opcode) {
        client.send(
                new Frame(opcode, false, 0, "frag".getBytes(StandardCharsets.UTF_8)),
                Frame.continuation("ment".getBytes(StandardCharsets.UTF_8)));

        Support.assertFailedWith(client, 1002);
        assertThat(Support.countFrames(client, Frame.PONG)).isZero();
    }

    @ParameterizedTest(name = "5.x: {0} fragments, {1}-byte writes")
    @CsvSource({"2, 0", "2, 1", "5, 0", "1000, 0", "10000, 0"})
    void textInFragmentsIsReassembled(int fragments, int chop) {
        byte[] text = Support.text(fragments == 2 || fragments == 5 ? 64 : fragments);
        if (chop == 0) {
            client.sendMessage(Frame.TEXT, text, fragments);
        } else {
            client.sendRaw(Support.wire(fragmentsOf(Frame.TEXT, text, fragments)), chop);
        }

        Support.assertEchoed(client, text);
    }

    @Test
    void binaryInFragmentsIsReassembled() {
        byte[] binary = Support.binary(300);
        client.sendMessage(Frame.BINARY, binary, 7);

        Support.assertEchoed(client, binary);
    }

    @Test
    void emptyFragmentsAreAccepted() {
        byte[] text = Support.text(4);
        client.sendFragments(
                Frame.TEXT,
                new byte[0],
                Arrays.copyOfRange(text, 0, 2),
                new byte[0],
                Arrays.copyOfRange(text, 2, 4),
                new byte[0]);

        Support.assertEchoed(client, text);
    }

    @ParameterizedTest(name = "5.{0}: ping between fragments, {1}-byte writes")
    @CsvSource({"6, 0", "8, 1"})
    void pingBetweenFragmentsIsAnsweredAndTheMessageReassembled(int autobahnCase, int chop) {
        byte[] text = Support.text(20);
        Frame[] frames = {
            new Frame(Frame.TEXT, false, 0, Arrays.copyOfRange(text, 0, 10)),
            Frame.ping("in between".getBytes(StandardCharsets.UTF_8)),
            Frame.continuation(Arrays.copyOfRange(text, 10, 20))
        };
        if (chop == 0) {
            client.send(frames);
        } else {
            client.sendRaw(Support.wire(frames), chop);
        }

        assertThat(client.awaitPong().payloadText()).isEqualTo("in between");
        Support.assertEchoed(client, text);
    }

    @Test
    void pingsBetweenManyFragmentsAreAllAnswered() { // 5.19, 5.20
        byte[] text = Support.text(50);
        Frame[] frames = new Frame[9];
        for (int i = 0; i < 5; i++) {
            byte[] part = Arrays.copyOfRange(text, i * 10, i * 10 + 10);
            frames[2 * i] = new Frame(i == 0 ? Frame.TEXT : Frame.CONTINUATION, i == 4, 0, part);
            if (i < 4) {
                frames[2 * i + 1] = Frame.ping(("ping " + i).getBytes(StandardCharsets.UTF_8));
            }
        }
        client.send(frames);

        for (int i = 0; i < 4; i++) {
            assertThat(client.awaitPong().payloadText()).isEqualTo("ping " + i);
        }
        Support.assertEchoed(client, text);
    }

    @ParameterizedTest(name = "5.x: continuation without a start, fin={0}, {1}-byte writes")
    @CsvSource({"true, 0", "true, 1", "false, 0", "false, 1"})
    void continuationWithoutAMessageFailsTheConnectionWith1002(boolean fin, int chop) {
        byte[] wire = Support.wire(new Frame(Frame.CONTINUATION, fin, 0, Support.text(8)), Frame.text(Support.text(8)));
        if (chop == 0) {
            client.sendRaw(wire);
        } else {
            client.sendRaw(wire, chop);
        }

        Support.assertFailedWith(client, 1002);
    }

    @Test
    void continuationAfterACompletedMessageFailsTheConnectionWith1002() { // 5.15
        byte[] first = Support.text(8);
        client.send(
                new Frame(Frame.TEXT, false, 0, Arrays.copyOfRange(first, 0, 4)),
                Frame.continuation(Arrays.copyOfRange(first, 4, 8)),
                new Frame(Frame.CONTINUATION, false, 0, Support.text(4)),
                Frame.text(Support.text(4)));

        assertThat(client.awaitClose().code()).isEqualTo(1002);
        client.awaitDisconnect();
    }

    @Test
    void newDataFrameInsideAFragmentedMessageFailsTheConnectionWith1002() { // 5.18
        client.send(new Frame(Frame.TEXT, false, 0, Support.text(4)), Frame.text(Support.text(4)));

        Support.assertFailedWith(client, 1002);
    }

    @Test
    void binaryFrameInsideAFragmentedTextFailsTheConnectionWith1002() {
        client.send(new Frame(Frame.TEXT, false, 0, Support.text(4)), Frame.binary(Support.binary(4)));

        Support.assertFailedWith(client, 1002);
    }

    @Test
    void fragmentedMessagesInOneWriteAreReassembledInOrder() {
        int messages = 3;
        byte[][] texts = new byte[messages][];
        Frame[][] all = new Frame[messages][];
        for (int m = 0; m < messages; m++) {
            texts[m] = Support.text(10 + m);
            all[m] = fragmentsOf(Frame.TEXT, texts[m], 3);
        }
        client.send(Arrays.stream(all).flatMap(Arrays::stream).toArray(Frame[]::new));

        for (byte[] text : texts) {
            Support.assertEchoed(client, text);
        }
    }

    private static Frame[] fragmentsOf(int opcode, byte[] data, int fragments) {
        Frame[] frames = new Frame[fragments];
        for (int i = 0; i < fragments; i++) {
            frames[i] = new Frame(
                    i == 0 ? opcode : Frame.CONTINUATION,
                    i == fragments - 1,
                    0,
                    Arrays.copyOfRange(data, data.length * i / fragments, data.length * (i + 1) / fragments));
        }
        return frames;
    }
}
