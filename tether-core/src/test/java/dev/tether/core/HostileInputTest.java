package dev.tether.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.IntStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Input from the network that is not a packet: decoding answers UNKNOWN and never throws. */
class HostileInputTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final PacketCodec MSGPACK = PacketCodecs.msgpack();
    private static final PacketCodec JSON = PacketCodecs.json();

    /** Section 3, client frame 0 of the wire vectors: add(10, 20). */
    private static final byte[] ADD_REQUEST = HEX.parseHex(
            "86a6736f7572636505a464617461c0a372706385a474797065a772657175657374a66d6574686f64a3616464a461726773920a14"
                    + "a66b776172677380a763616c6c5f6964a9363036616437363765a76368616e6e656cc0a974696d657374616d70c0ae"
                    + "636f7272656c6174696f6e5f6964c0");

    private static final String JSON_PACKET = "{\"source\":2,\"data\":\"hi generic\",\"rpc\":null,\"channel\":\"news\","
            + "\"timestamp\":null,\"correlation_id\":null}";

    private static void assertUnknown(Packet packet, byte[] input) {
        assertThat(packet.source()).isEqualTo(PacketSource.UNKNOWN);
        assertThat((byte[]) packet.data()).isEqualTo(input);
        assertThat(packet.data()).isNotSameAs(input);
        assertThat(packet.rpc()).isNull();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Property(seed = "7012", tries = 2000)
    void randomBytesNeverThrow(@ForAll @Size(max = 64) byte[] input) {
        for (PacketCodec codec : List.of(MSGPACK, JSON)) {
            Packet packet = codec.decode(input);
            if (packet.source() == PacketSource.UNKNOWN && packet.data() instanceof byte[]) {
                assertThat((byte[]) packet.data()).isEqualTo(input);
            }
        }
    }

    @Property(seed = "7013", tries = 2000)
    void corruptedPacketsNeverThrow(@ForAll("corruptedPackets") byte[] input) {
        MSGPACK.decode(input);
        JSON.decode(input);
    }

    @Provide
    Arbitrary<byte[]> corruptedPackets() {
        byte[] json = utf8(JSON_PACKET);
        return Arbitraries.of(ADD_REQUEST, json)
                .flatMap(packet -> Arbitraries.integers()
                        .between(0, packet.length - 1)
                        .tuple3()
                        .flatMap(positions -> Arbitraries.bytes().tuple3().map(values -> {
                            byte[] corrupted = packet.clone();
                            corrupted[positions.get1()] = values.get1();
                            corrupted[positions.get2()] = values.get2();
                            corrupted[positions.get3()] = values.get3();
                            return corrupted;
                        })));
    }

    static IntStream prefixLengths() {
        return IntStream.range(0, ADD_REQUEST.length);
    }

    @ParameterizedTest
    @MethodSource("prefixLengths")
    void truncatedMsgpackDecodesToUnknown(int length) {
        byte[] prefix = Arrays.copyOf(ADD_REQUEST, length);

        assertUnknown(MSGPACK.decode(prefix), prefix);
    }

    @ParameterizedTest
    @EnumSource(WireFormat.class)
    void emptyInputDecodesToUnknown(WireFormat format) {
        assertUnknown(PacketCodecs.of(format).decode(new byte[0]), new byte[0]);
    }

    @ParameterizedTest
    @ValueSource(strings = {"xyz", " {}", "}", "{\"source\":2}"})
    void jsonWithTrailingGarbageDecodesToUnknown(String trailer) {
        byte[] input = utf8(JSON_PACKET + trailer);

        assertUnknown(JSON.decode(input), input);
    }

    @Test
    void jsonWithTrailingWhitespaceDecodes() {
        assertThat(JSON.decode(utf8(" \n" + JSON_PACKET + " \r\n\t")).source()).isEqualTo(PacketSource.CHANNEL);
    }

    @Test
    void msgpackWithTrailingBytesDecodesToUnknown() {
        byte[] input = Arrays.copyOf(ADD_REQUEST, ADD_REQUEST.length + 1);

        assertUnknown(MSGPACK.decode(input), input);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "[1,2]",
                "\"packet\"",
                "5",
                "null",
                "true",
                "{\"source\":5,",
                "{source:5}",
                "{'source':5}",
                "{\"source\":5]",
                "{\"source\":5,\"data\":[1,2}",
                "just some text, not a packet"
            })
    void jsonThatIsNotAPacketDecodesToUnknown(String text) {
        byte[] input = utf8(text);

        assertUnknown(JSON.decode(input), input);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "05", // a bare int
                "9205a4", // an array, truncated
                "c1", // the byte msgpack never uses
                "81a6736f75726365c1", // {"source": <never used>}
                "80", // {} without source
                "81a6736f7572636509", // {"source": 9}
            })
    void msgpackThatIsNotAPacketDecodesToUnknown(String hex) {
        byte[] input = HEX.parseHex(hex);

        assertUnknown(MSGPACK.decode(input), input);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "c67fffffff", // bin 32 of 2 GiB
                "db7fffffff", // str 32 of 2 GiB
                "ddffffffff", // array 32 of 4G elements
                "dfffffffff", // map 32 of 4G entries
                "c97fffffff01", // ext 32 of 2 GiB
                "dd7fffffff" + "c0c0", // array 32 that claims more elements than bytes remain
            })
    void msgpackLengthsBeyondTheInputDecodeToUnknownWithoutAllocating(String dataHex) {
        byte[] input = HEX.parseHex("82a6736f7572636504a464617461" + dataHex);

        assertUnknown(MSGPACK.decode(input), input);
    }

    @Test
    void msgpackEnvelopeClaimingMoreEntriesThanBytesDecodesToUnknown() {
        byte[] input = HEX.parseHex("dfffffffffa6736f7572636504");

        assertUnknown(MSGPACK.decode(input), input);
    }

    /** {@code depth} nested lists as the packet's data, in msgpack. */
    private static byte[] msgpackNested(int depth) {
        String data = "91".repeat(depth - 1) + "90";
        return HEX.parseHex("82a6736f7572636504a464617461" + data);
    }

    /** {@code depth} nested lists as the packet's data, in JSON. */
    private static byte[] jsonNested(int depth) {
        return utf8("{\"source\":4,\"data\":" + "[".repeat(depth) + "]".repeat(depth) + "}");
    }

    @Test
    void nestingUpToTheLimitDecodes() {
        // The packet's map is depth 1, so its data may nest 511 containers deep.
        Object msgpack = MSGPACK.decode(msgpackNested(511)).data();
        Object json = JSON.decode(jsonNested(511)).data();

        assertThat(depth(msgpack)).isEqualTo(511);
        assertThat(depth(json)).isEqualTo(511);
    }

    @Test
    void nestingBeyondTheLimitDecodesToUnknown() {
        assertUnknown(MSGPACK.decode(msgpackNested(512)), msgpackNested(512));
        assertUnknown(JSON.decode(jsonNested(512)), jsonNested(512));
    }

    @Test
    void hostileDeepNestingDecodesToUnknownWithoutExhaustingTheStack() {
        assertUnknown(MSGPACK.decode(msgpackNested(200_000)), msgpackNested(200_000));
        assertUnknown(JSON.decode(jsonNested(200_000)), jsonNested(200_000));
    }

    @Test
    void deepNestingInAnUnknownKeyIsSkippedWithoutRecursion() {
        // Unknown keys are skipped, not built; a skipped value may be deep without costing stack.
        byte[] input = HEX.parseHex("82a6736f7572636504a5657874726191" + "91".repeat(100_000) + "90");

        assertThat(MSGPACK.decode(input)).isEqualTo(Packet.custom(null));
    }

    @Test
    void validJsonPacketWithUnknownKeysDecodes() {
        Packet packet = JSON.decode(utf8("{\"source\":5,\"rpc\":{\"type\":\"request\",\"method\":\"add\","
                + "\"args\":[1,2],\"call_id\":\"c1\",\"trace\":{\"id\":7}},\"client\":\"browser\",\"v\":[1,2,3]}"));

        assertThat(packet).isEqualTo(Packet.rpc(RpcRequest.of("add", "c1", 1, 2)));
    }

    private static int depth(Object value) {
        int depth = 0;
        Object current = value;
        while (current instanceof List<?> list) {
            depth++;
            current = list.isEmpty() ? null : list.get(0);
        }
        return depth;
    }

    @Test
    void decodingUnknownCopiesTheInput() {
        byte[] input = utf8("not json");

        Packet packet = JSON.decode(input);
        input[0] = 'N';

        assertThat((byte[]) packet.data()).isEqualTo(utf8("not json"));
    }
}
