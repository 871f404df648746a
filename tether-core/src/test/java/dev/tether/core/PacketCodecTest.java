package dev.tether.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.msgpack.jackson.dataformat.MessagePackExtensionType;

class PacketCodecTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final PacketCodec MSGPACK = PacketCodecs.msgpack();
    private static final PacketCodec JSON = PacketCodecs.json();

    /** A packet's envelope around {@code dataHex}, as msgpack: {@code {"source": 4, "data": …}} (two keys). */
    private static byte[] msgpackCustom(String dataHex) {
        return HEX.parseHex("82a6736f7572636504a464617461" + dataHex);
    }

    /** The msgpack bytes of the {@code data} value alone, cut out of an encoded packet. */
    private static String msgpackData(Object data) {
        String packet = HEX.formatHex(MSGPACK.encode(Packet.custom(data)));
        String prefix = "86a6736f7572636504a464617461";
        String suffix = "a3727063c0a76368616e6e656cc0a974696d657374616d70c0ae636f7272656c6174696f6e5f6964c0";
        assertThat(packet).startsWith(prefix).endsWith(suffix);
        return packet.substring(prefix.length(), packet.length() - suffix.length());
    }

    private static String json(Packet packet) {
        return new String(JSON.encode(packet), StandardCharsets.UTF_8);
    }

    private static Packet decodeJson(String json) {
        return JSON.decode(json.getBytes(StandardCharsets.UTF_8));
    }

    private static Object jsonData(String json) {
        return decodeJson("{\"source\":4,\"data\":" + json + "}").data();
    }

    private static void assertUnknown(Packet packet, byte[] input) {
        assertThat(packet.source()).isEqualTo(PacketSource.UNKNOWN);
        assertThat((byte[]) packet.data()).isEqualTo(input);
    }

    @Test
    void codecsAreSharedPerFormat() {
        assertThat(PacketCodecs.of(WireFormat.MSGPACK)).isSameAs(MSGPACK);
        assertThat(PacketCodecs.of(WireFormat.JSON)).isSameAs(JSON);
        assertThat(MSGPACK.format()).isEqualTo(WireFormat.MSGPACK);
        assertThat(JSON.format()).isEqualTo(WireFormat.JSON);
    }

    @ParameterizedTest
    @EnumSource(WireFormat.class)
    void encodeWritesIntoTheCallersStreamAndLeavesItOpen(WireFormat format) {
        PacketCodec codec = PacketCodecs.of(format);
        Packet packet = Packet.channel("news", Map.of("text", "hi"));
        boolean[] closed = {false};
        ByteArrayOutputStream out = new ByteArrayOutputStream() {
            @Override
            public void close() {
                closed[0] = true;
            }
        };

        codec.encode(packet, out);

        assertThat(out.toByteArray()).isEqualTo(codec.encode(packet));
        assertThat(closed[0]).isFalse();
    }

    @Test
    void integersUseTheSmallestMsgpackEncodingLikeMsgspec() {
        assertThat(msgpackData(10)).isEqualTo("0a");
        assertThat(msgpackData(100000)).isEqualTo("ce000186a0");
        assertThat(msgpackData(-32601)).isEqualTo("d180a7");
        assertThat(msgpackData(5L)).isEqualTo("05");
        assertThat(msgpackData(-1L)).isEqualTo("ff");
        assertThat(msgpackData(1L << 40)).isEqualTo("cf0000010000000000");
        assertThat(msgpackData(new BigInteger("18446744073709551615"))).isEqualTo("cfffffffffffffffff");
    }

    @Test
    void stringsOf32To255BytesUseStr8() {
        assertThat(msgpackData("x".repeat(31))).startsWith("bf");
        assertThat(msgpackData("x".repeat(32))).startsWith("d920");
        assertThat(msgpackData("x".repeat(255))).startsWith("d9ff");
        assertThat(msgpackData("x".repeat(256))).startsWith("da0100");
    }

    @Test
    void bytesAreMsgpackBinAndBase64Json() {
        byte[] bytes = {1, 2, (byte) 0xff};

        assertThat(msgpackData(bytes)).isEqualTo("c4030102ff");
        assertThat(json(Packet.custom(bytes))).contains("\"data\":\"AQL/\"");
    }

    @Test
    void doublesAreFloat64AndTimestampsToo() {
        assertThat(msgpackData(1.5)).isEqualTo("cb3ff8000000000000");
        assertThat(HEX.formatHex(MSGPACK.encode(Packet.custom(null).withTimestamp(1.5))))
                .contains("a974696d657374616d70cb3ff8000000000000");
    }

    @Test
    void recordsAndPojosAreWrittenAsMaps() {
        record Point(int x, int y) {}

        assertThat(json(Packet.custom(new Point(1, 2)))).contains("\"data\":{\"x\":1,\"y\":2}");
        assertThat(MSGPACK.decode(MSGPACK.encode(Packet.custom(new Point(1, 2))))
                        .data())
                .isEqualTo(Map.of("x", 1, "y", 2));
    }

    static final class Opaque {}

    @ParameterizedTest
    @EnumSource(WireFormat.class)
    void valueJacksonCannotWriteFailsWithItsTypeAndPlace(WireFormat format) {
        Packet packet = Packet.custom(List.of("fine", new Opaque()));

        assertThatThrownBy(() -> PacketCodecs.of(format).encode(packet))
                .isInstanceOf(EncodingException.class)
                .hasMessage("data[1]: dev.tether.core.PacketCodecTest$Opaque (expected: a value Jackson can write: "
                        + "No serializer found for class dev.tether.core.PacketCodecTest$Opaque and no properties "
                        + "discovered to create BeanSerializer)");
    }

    @Test
    void rpcArgumentJacksonCannotWriteFailsNamingTheArgument() {
        Packet packet = Packet.rpc(RpcRequest.of("m", "c1", 1, new Opaque()));

        assertThatThrownBy(() -> MSGPACK.encode(packet))
                .isInstanceOf(EncodingException.class)
                .hasMessageStartingWith("args[1]: dev.tether.core.PacketCodecTest$Opaque (expected: ");
    }

    private static List<Object> nested(int depth) {
        List<Object> outer = new ArrayList<>();
        List<Object> current = outer;
        for (int i = 1; i < depth; i++) {
            List<Object> inner = new ArrayList<>();
            current.add(inner);
            current = inner;
        }
        return outer;
    }

    @ParameterizedTest
    @EnumSource(WireFormat.class)
    void dataNestedAsDeepAsDecodersAcceptEncodes(WireFormat format) {
        PacketCodec codec = PacketCodecs.of(format);

        Packet decoded = codec.decode(codec.encode(Packet.custom(nested(511))));

        assertThat(decoded.data()).isEqualTo(nested(511));
    }

    @ParameterizedTest
    @EnumSource(WireFormat.class)
    void dataNestedDeeperThanDecodersAcceptFailsToEncode(WireFormat format) {
        assertThatThrownBy(() -> PacketCodecs.of(format).encode(Packet.custom(nested(512))))
                .isInstanceOf(EncodingException.class)
                .hasMessageStartingWith("data[0][0][0]")
                .hasMessageContaining("(expected: ")
                .hasMessageContaining("nesting depth (513) exceeds the maximum allowed (512");
    }

    @ParameterizedTest
    @EnumSource(WireFormat.class)
    void cyclicDataFailsToEncode(WireFormat format) {
        List<Object> cyclic = new ArrayList<>();
        cyclic.add(cyclic);

        assertThatThrownBy(() -> PacketCodecs.of(format).encode(Packet.custom(cyclic)))
                .isInstanceOf(EncodingException.class);
    }

    @Test
    void integerBeyondUint64FailsInMsgpackAndWritesInJson() {
        BigInteger tooBig = BigInteger.ONE.shiftLeft(64);

        assertThatThrownBy(() -> MSGPACK.encode(Packet.custom(tooBig)))
                .isInstanceOf(EncodingException.class)
                .hasMessageContaining("BigInteger");
        assertThat(json(Packet.custom(tooBig))).contains("\"data\":18446744073709551616,");
    }

    @Test
    void jsonWritesNonFiniteDoublesAsNull() {
        List<Object> values = Arrays.asList(Double.NaN, Double.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 1.5);

        assertThat(json(Packet.custom(values))).contains("\"data\":[null,null,null,1.5],");
        assertThat(json(Packet.custom(new double[] {Double.NaN, 2.5}))).contains("\"data\":[null,2.5],");
        assertThat(json(Packet.custom(null).withTimestamp(Double.NaN))).contains("\"timestamp\":null,");
    }

    @Test
    void jsonReadsPythonsNonFiniteTokens() {
        assertThat(jsonData("[NaN,Infinity,-Infinity]"))
                .isEqualTo(List.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY));
    }

    @Test
    void msgpackKeepsNonFiniteDoubles() {
        Packet packet = Packet.custom(List.of(Double.NaN, Double.NEGATIVE_INFINITY));

        assertThat(MSGPACK.decode(MSGPACK.encode(packet)).data())
                .isEqualTo(List.of(Double.NaN, Double.NEGATIVE_INFINITY));
    }

    @Test
    void jsonNumbersDecodeToTheSmallestType() {
        assertThat(jsonData("[1,-2147483649,9223372036854775808,1.0,1e2]"))
                .isEqualTo(List.of(1, -2147483649L, new BigInteger("9223372036854775808"), 1.0, 100.0));
    }

    @Test
    void msgpackIntegersDecodeToTheSmallestTypeWhateverTheirEncoding() {
        // uint64 5, int64 -5, uint32 2^31, uint64 2^64-1, float32 1.5
        Packet packet = MSGPACK.decode(
                msgpackCustom("95cf0000000000000005d3fffffffffffffffbce80000000cfffffffffffffffffca3fc00000"));

        assertThat(packet.data()).isEqualTo(List.of(5, -5, 2147483648L, new BigInteger("18446744073709551615"), 1.5));
    }

    @Test
    void timestampAcceptsIntegersAndFloats() {
        assertThat(decodeJson("{\"source\":4,\"timestamp\":1700000000}").timestamp())
                .isEqualTo(1.7e9);
        assertThat(decodeJson("{\"source\":4,\"timestamp\":1.5}").timestamp()).isEqualTo(1.5);
        assertThat(MSGPACK.decode(HEX.parseHex("82a6736f7572636504a974696d657374616d7005"))
                        .timestamp())
                .isEqualTo(5.0);
    }

    @Test
    void missingKeysAreNull() {
        assertThat(decodeJson("{\"source\":1}")).isEqualTo(Packet.broadcast(null));
        assertThat(MSGPACK.decode(HEX.parseHex("81a6736f7572636501"))).isEqualTo(Packet.broadcast(null));
    }

    @Test
    void unknownKeysAreSkipped() {
        Packet packet = decodeJson("{\"version\":2,\"source\":4,\"extra\":{\"deep\":[1,[2,{}]]},\"data\":\"x\","
                + "\"correlation_id\":\"c\",\"more\":null}");

        assertThat(packet).isEqualTo(Packet.custom("x").withCorrelationId("c"));
    }

    @Test
    void msgpackEnvelopeKeysThatAreNotStringsAreSkipped() {
        // {"source": 4, 1: [1, 2], "data": "x"}
        assertThat(MSGPACK.decode(HEX.parseHex("83a6736f757263650401920102a464617461a178")))
                .isEqualTo(Packet.custom("x"));
    }

    @Test
    void requestWithoutCallIdGetsAUniqueOne() {
        String json = "{\"source\":5,\"rpc\":{\"type\":\"request\",\"method\":\"m\"}}";

        RpcRequest first = decodeJson(json).request();
        RpcRequest second = decodeJson(json).request();

        assertThat(first).isNotNull();
        assertThat(second).isNotNull();
        assertThat(first.callId()).isNotBlank().isNotEqualTo(second.callId());
        assertThat(first.args()).isEmpty();
        assertThat(first.kwargs()).isEmpty();
    }

    @Test
    void requestKeepsKwargsInWireOrder() {
        RpcRequest request = decodeJson("{\"source\":5,\"rpc\":{\"type\":\"request\",\"method\":\"m\","
                        + "\"kwargs\":{\"b\":1,\"a\":[true]},\"call_id\":\"c\"}}")
                .request();

        assertThat(request).isNotNull();
        assertThat(request.kwargs()).containsExactly(Map.entry("b", 1), Map.entry("a", List.of(true)));
    }

    @Test
    void responseFlagsRoundTrip() {
        Packet packet = Packet.rpc(RpcResponse.error("c", RpcErrorCode.INTERNAL_SERVER_ERROR, "boom", true));

        assertThat(MSGPACK.decode(MSGPACK.encode(packet))).isEqualTo(packet);
        assertThat(JSON.decode(JSON.encode(packet))).isEqualTo(packet);
        assertThat(json(packet))
                .contains("{\"type\":\"response\",\"call_id\":\"c\",\"response\":\"boom\",\"error\":-32603,"
                        + "\"is_stream\":true,\"is_end\":true}");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"source\":5,\"rpc\":{\"type\":\"notify\",\"method\":\"m\"}}",
                "{\"source\":5,\"rpc\":{\"method\":\"m\"}}",
                "{\"source\":5,\"rpc\":[\"request\"]}",
                "{\"source\":5,\"rpc\":\"request\"}",
                "{\"source\":5,\"rpc\":{\"type\":\"request\"}}",
                "{\"source\":5,\"rpc\":{\"type\":\"request\",\"method\":7}}",
                "{\"source\":5,\"rpc\":{\"type\":\"request\",\"method\":\"m\",\"args\":{}}}",
                "{\"source\":5,\"rpc\":{\"type\":\"request\",\"method\":\"m\",\"kwargs\":[]}}",
                "{\"source\":5,\"rpc\":{\"type\":\"request\",\"method\":\"m\",\"call_id\":1}}",
                "{\"source\":5,\"rpc\":{\"type\":\"response\",\"response\":1}}",
                "{\"source\":5,\"rpc\":{\"type\":\"response\",\"call_id\":\"c\",\"error\":\"bad\"}}",
                "{\"source\":5,\"rpc\":{\"type\":\"response\",\"call_id\":\"c\",\"error\":4294967296}}",
                "{\"source\":5,\"rpc\":{\"type\":\"response\",\"call_id\":\"c\",\"is_end\":1}}",
            })
    void malformedRpcMakesTheWholePacketUnknown(String json) {
        byte[] input = json.getBytes(StandardCharsets.UTF_8);

        assertUnknown(JSON.decode(input), input);
    }

    @Test
    void msgpackKwargsWithANonStringKeyMakeThePacketUnknown() {
        // {"source": 5, "rpc": {"type": "request", "method": "m", "kwargs": {1: 2}}}
        byte[] input = HEX.parseHex(
                "82a6736f7572636505a372706383a474797065a772657175657374a66d6574686f64a16da66b7761726773810102");

        assertUnknown(MSGPACK.decode(input), input);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"source\":9}",
                "{\"source\":0}",
                "{\"source\":-1}",
                "{\"source\":\"5\"}",
                "{\"source\":5.0}",
                "{\"source\":true}",
                "{\"source\":null}",
                "{\"data\":1}",
                "{\"source\":4294967300}",
                "{\"source\":4,\"channel\":5}",
                "{\"source\":4,\"correlation_id\":[]}",
                "{\"source\":4,\"timestamp\":\"now\"}",
            })
    void invalidEnvelopeFieldMakesThePacketUnknown(String json) {
        byte[] input = json.getBytes(StandardCharsets.UTF_8);

        assertUnknown(JSON.decode(input), input);
    }

    @Test
    void msgpackTimestampExtensionDecodesToInstantAndWritesBackIdentically() {
        byte[] input = msgpackCustom("d6ff00000001"); // timestamp 32: 1 second after the epoch

        Packet packet = MSGPACK.decode(input);

        assertThat(packet.data()).isEqualTo(Instant.ofEpochSecond(1));
        assertThat(msgpackData(packet.data())).isEqualTo("d6ff00000001");
    }

    @Test
    void instantIsIsoTextInJson() {
        assertThat(json(Packet.custom(Instant.ofEpochSecond(1, 500))))
                .contains("\"data\":\"1970-01-01T00:00:01.000000500Z\"");
    }

    @Test
    void otherMsgpackExtensionsAreKeptAndWrittenBackIdentically() {
        Packet packet = MSGPACK.decode(msgpackCustom("d4012a")); // fixext 1, type 1, payload 0x2a

        assertThat(packet.data()).isEqualTo(new MessagePackExtensionType((byte) 1, new byte[] {0x2a}));
        assertThat(msgpackData(packet.data())).isEqualTo("d4012a");
    }

    @Test
    void msgpackMapKeysKeepTheirTypesAndWriteBackIdentically() {
        String map = "8301a161c3a162a178a163"; // {1: "a", true: "b", "x": "c"}

        Object data = MSGPACK.decode(msgpackCustom(map)).data();

        Map<Object, Object> expected = new LinkedHashMap<>();
        expected.put(1, "a");
        expected.put(true, "b");
        expected.put("x", "c");
        assertThat(data).isEqualTo(expected);
        assertThat(msgpackData(data)).isEqualTo(map);
    }

    /** Found by PacketDecoderFuzzTest: a nil key decoded, then failed to encode ("Null key for a Map not allowed"). */
    @Test
    void msgpackNilMapKeyWritesBackAsNil() {
        String map = "82c0a161a178a162"; // {nil: "a", "x": "b"}

        Object data = MSGPACK.decode(msgpackCustom(map)).data();

        Map<Object, Object> expected = new LinkedHashMap<>();
        expected.put(null, "a");
        expected.put("x", "b");
        assertThat(data).isEqualTo(expected);
        assertThat(msgpackData(data)).isEqualTo(map);
    }

    /** Found next to the nil key: these keys went back as text ("Af8=", "[1, 2]", an ISO date, a class name). */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "c40201ff", // bin
                "920102", // [1, 2]
                "81a161a162", // {"a": "b"}
                "d6ff00000001", // timestamp 1 s
                "d4012a", // extension 1
                "cb3ff8000000000000", // 1.5
            })
    void msgpackMapKeysOfEveryDecodedTypeWriteBackIdentically(String keyHex) {
        String map = "81" + keyHex + "c3"; // {key: true}

        Object data = MSGPACK.decode(msgpackCustom(map)).data();

        assertThat(msgpackData(data)).isEqualTo(map);
    }

    /** Found by PacketDecoderFuzzTest: a timestamp or extension value sent its whole map to Jackson, keys and all. */
    @ParameterizedTest
    @ValueSource(strings = {"d6ff00000001", "d4012a"})
    void msgpackBinKeyBesideATimestampOrExtensionValueWritesBackIdentically(String valueHex) {
        String map = "82c40201ffc301" + valueHex; // {bin 01ff: true, 1: value}

        Object data = MSGPACK.decode(msgpackCustom(map)).data();

        assertThat(msgpackData(data)).isEqualTo(map);
    }

    @Test
    void decodedContainersAreMutableAndInWireOrder() {
        Object data = jsonData("{\"b\":[1],\"a\":2}");

        assertThat(data).isInstanceOf(LinkedHashMap.class);
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) data;
        assertThat(map.keySet()).containsExactly("b", "a");
        assertThat(map.get("b")).isInstanceOf(ArrayList.class);
    }

    @Test
    void invalidUtf8InAMsgpackStringMakesThePacketUnknown() {
        byte[] input = msgpackCustom("a2c328"); // a 2-byte string with a broken sequence

        assertUnknown(MSGPACK.decode(input), input);
    }

    @Test
    void nonAsciiAndAstralStringsDecode() {
        String text = "héllo ✓ 𝄞";

        assertThat(MSGPACK.decode(MSGPACK.encode(Packet.custom(text))).data()).isEqualTo(text);
        assertThat(json(Packet.custom(text))).contains("\"data\":\"héllo ✓ 𝄞\"");
    }

    @ParameterizedTest
    @EnumSource(WireFormat.class)
    void decodeReadsOnlyTheGivenRange(WireFormat format) {
        PacketCodec codec = PacketCodecs.of(format);
        byte[] packet = codec.encode(Packet.channel("news", 1));
        byte[] framed = new byte[packet.length + 6];
        Arrays.fill(framed, (byte) '!');
        System.arraycopy(packet, 0, framed, 3, packet.length);

        assertThat(codec.decode(framed, 3, packet.length)).isEqualTo(Packet.channel("news", 1));
        assertUnknown(codec.decode(framed, 3, packet.length - 1), Arrays.copyOfRange(framed, 3, packet.length + 2));
    }

    @Test
    void decodeRejectsARangeOutsideTheArray() {
        assertThatThrownBy(() -> JSON.decode(new byte[4], 2, 3))
                .isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessage("offset: 2, length: 3 (expected: within 4 bytes)");
    }
}
