package dev.tether.testsuite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.testing.Frame;
import dev.tether.testing.TestWebSocketClient;
import dev.tether.testing.TetherServerExtension;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * UTF-8 handling after Autobahn|Testsuite case group 6: valid text is accepted however it is split, also in the
 * middle of a character (6.1, 6.2, 6.5, 6.6 and the boundary cases of 6.7-6.9, 6.22, 6.23); invalid text fails
 * the connection with 1007 (6.3, 6.8, 6.10-6.21), and fails it as soon as the invalid bytes arrive, before the
 * message is complete (6.4). See {@link FramingConformanceTest} for how the echo works.
 */
class Utf8ConformanceTest {
    private static final byte[] HELLO = "Hello-µ@ßöäüàá-UTF-8!!".getBytes(StandardCharsets.UTF_8);

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

    @Test
    void emptyTextInEmptyFragmentsIsAccepted() { // 6.1
        client.sendFragments(Frame.TEXT, new byte[0], new byte[0], new byte[0]);

        Support.assertEchoed(client, new byte[0]);
    }

    @Test
    void validTextSplitInTwoAtEveryByteIsAccepted() { // 6.2.2, 6.2.3
        for (int split = 0; split <= HELLO.length; split++) {
            client.sendFragments(
                    Frame.TEXT, Arrays.copyOfRange(HELLO, 0, split), Arrays.copyOfRange(HELLO, split, HELLO.length));

            Support.assertEchoed(client, HELLO);
        }
    }

    @Test
    void validTextInOneByteFragmentsIsAccepted() { // 6.2.4, 6.6
        byte[] kosme = "κόσμε".getBytes(StandardCharsets.UTF_8);
        client.sendMessage(Frame.TEXT, kosme, kosme.length);

        Support.assertEchoed(client, kosme);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "cebae1bdb9cf83cebcceb5", // 6.5.1 κόσμε
                "00", // U+0000
                "7f", // U+007F
                "c280", // U+0080
                "dfbf", // U+07FF
                "e0a080", // U+0800
                "ed9fbf", // U+D7FF, below the surrogates
                "ee8080", // U+E000, above them
                "efbfbd", // U+FFFD (6.23)
                "efbfbe", // U+FFFE, a noncharacter but valid (6.22)
                "efbfbf", // U+FFFF
                "f0908080", // U+10000
                "f48fbfbf" // U+10FFFF, the last code point
            })
    void validSequenceIsAccepted(String hex) {
        byte[] text = HexFormat.of().parseHex(hex);
        client.send(Frame.text(text));

        Support.assertEchoed(client, text);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "cebae1bdb9cf83cebcceb5eda080656469746564", // 6.3 κόσμε-edited: a surrogate
                "80", // 6.10 a lone continuation byte
                "bf",
                "c020", // 6.12 a lonely start byte
                "c0af", // 6.16 overlong '/'
                "e080af",
                "f08080af",
                "c1bf", // 6.17 maximum overlong
                "e09fbf",
                "f08fbfbf",
                "eda080", // 6.19 UTF-16 surrogates
                "edbfbf",
                "eda080edb080",
                "fe", // 6.14 impossible bytes
                "ff",
                "f4908080", // above U+10FFFF
                "f888808080", // five-byte form
                "c3", // 6.13 truncated at the end
                "e282",
                "f09f98"
            })
    void invalidSequenceFailsTheConnectionWith1007(String hex) {
        client.send(Frame.text(HexFormat.of().parseHex(hex)));

        Support.assertFailedWith(client, 1007);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"cebae1bdb9cf83cebcceb5eda080", "80", "c0af", "fe"})
    void invalidBytesInAnUnfinishedMessageFailTheConnectionAtOnce(String hex) { // 6.4
        byte[] bad = HexFormat.of().parseHex(hex);
        client.send(new Frame(Frame.TEXT, false, 0, bad)); // the rest never comes

        Support.assertFailedWith(client, 1007);
    }

    @Test
    void invalidContinuationAfterAValidFragmentFailsTheConnectionWith1007() {
        client.sendFragments(
                Frame.TEXT,
                "κόσμε".getBytes(StandardCharsets.UTF_8),
                HexFormat.of().parseHex("eda080"),
                "edited".getBytes(StandardCharsets.UTF_8));

        Support.assertFailedWith(client, 1007);
    }

    @Test
    void characterSplitAcrossFragmentsThenBrokenFailsTheConnectionWith1007() {
        client.sendFragments(
                Frame.TEXT,
                HexFormat.of().parseHex("f0"),
                HexFormat.of().parseHex("9f"),
                HexFormat.of().parseHex("41"));

        Support.assertFailedWith(client, 1007);
    }

    @Test
    void binaryMessagesAreNotCheckedForUtf8() {
        byte[] notUtf8 = HexFormat.of().parseHex("fffe80c0");
        client.sendBinary(notUtf8);

        Support.assertEchoed(client, notUtf8);
    }
}
