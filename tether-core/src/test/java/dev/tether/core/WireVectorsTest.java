package dev.tether.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;

/** The captures of /work/shared/spec/wire-vectors.md, against both codecs. */
class WireVectorsTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final PacketCodec MSGPACK = PacketCodecs.msgpack();
    private static final PacketCodec JSON = PacketCodecs.json();

    // Section 1 (client frame) and section 3 (client frames 0-4); section 1's frame is section 3's frame 0.
    static Stream<Arguments> msgpackRequests() {
        return Stream.of(
                Arguments.of(
                        "86a6736f7572636505a464617461c0a372706385a474797065a772657175657374a66d6574686f64a3616464"
                                + "a461726773920a14a66b776172677380a763616c6c5f6964a9363036616437363765a76368616e6e656c"
                                + "c0a974696d657374616d70c0ae636f7272656c6174696f6e5f6964c0",
                        new RpcRequest("add", List.of(10, 20), Map.of(), "606ad767e")),
                Arguments.of(
                        "86a6736f7572636505a464617461c0a372706385a474797065a772657175657374a66d6574686f64a3626967"
                                + "a46172677391ce000186a0a66b776172677380a763616c6c5f6964a9363036616437363766a7636861"
                                + "6e6e656cc0a974696d657374616d70c0ae636f7272656c6174696f6e5f6964c0",
                        new RpcRequest("big", List.of(100000), Map.of(), "606ad767f")),
                Arguments.of(
                        "86a6736f7572636505a464617461c0a372706385a474797065a772657175657374a66d6574686f64a46a6f69"
                                + "6ea46172677391a46e657773a66b776172677380a763616c6c5f6964aa36303661643736373130a763"
                                + "68616e6e656cc0a974696d657374616d70c0ae636f7272656c6174696f6e5f6964c0",
                        new RpcRequest("join", List.of("news"), Map.of(), "606ad76710")),
                Arguments.of(
                        "86a6736f7572636505a464617461c0a372706385a474797065a772657175657374a66d6574686f64a8616e6e"
                                + "6f756e6365a46172677392a46e657773b168656c6c6f207375627363726962657273a66b7761726773"
                                + "80a763616c6c5f6964aa36303661643736373131a76368616e6e656cc0a974696d657374616d70c0ae"
                                + "636f7272656c6174696f6e5f6964c0",
                        new RpcRequest("announce", List.of("news", "hello subscribers"), Map.of(), "606ad76711")),
                Arguments.of(
                        "86a6736f7572636505a464617461c0a372706385a474797065a772657175657374a66d6574686f64ae6e6f5f"
                                + "737563685f6d6574686f64a46172677390a66b776172677380a763616c6c5f6964aa36303661643736"
                                + "373132a76368616e6e656cc0a974696d657374616d70c0ae636f7272656c6174696f6e5f6964c0",
                        new RpcRequest("no_such_method", List.of(), Map.of(), "606ad76712")));
    }

    // Section 3, server frames 0, 3, 5, 6 and 7 (frame 0 is also section 1's reply). Frames 1-2 are one fragmented
    // message of which the capture keeps only 48 bytes: see truncatedVectorDecodesToUnknown.
    static Stream<Arguments> msgpackResponses() {
        return Stream.of(
                Arguments.of(
                        "86a6736f7572636505a464617461c0a372706384a474797065a8726573706f6e7365a763616c6c5f6964a936"
                                + "3036616437363765a8726573706f6e73651ea56572726f72c0a76368616e6e656cc0a974696d657374"
                                + "616d70c0ae636f7272656c6174696f6e5f6964c0",
                        new RpcResponse("606ad767e", 30, null, false, false)),
                Arguments.of(
                        "86a6736f7572636505a464617461c0a372706384a474797065a8726573706f6e7365a763616c6c5f6964aa36"
                                + "303661643736373130a8726573706f6e736591a46e657773a56572726f72c0a76368616e6e656cc0a9"
                                + "74696d657374616d70c0ae636f7272656c6174696f6e5f6964c0",
                        new RpcResponse("606ad76710", List.of("news"), null, false, false)),
                Arguments.of(
                        "86a6736f7572636505a464617461c0a372706384a474797065a8726573706f6e7365a763616c6c5f6964aa36"
                                + "303661643736373131a8726573706f6e7365c3a56572726f72c0a76368616e6e656cc0a974696d6573"
                                + "74616d70c0ae636f7272656c6174696f6e5f6964c0",
                        new RpcResponse("606ad76711", true, null, false, false)),
                Arguments.of(
                        "86a6736f7572636505a464617461c0a372706384a474797065a8726573706f6e7365a763616c6c5f6964aa36"
                                + "303661643736373132a8726573706f6e7365d926525043206d6574686f6420276e6f5f737563685f6d"
                                + "6574686f6427206e6f7420666f756e642ea56572726f72d180a7a76368616e6e656cc0a974696d6573"
                                + "74616d70c0ae636f7272656c6174696f6e5f6964c0",
                        new RpcResponse("606ad76712", "RPC method 'no_such_method' not found.", -32601, false, false)),
                Arguments.of(
                        "86a6736f7572636505a464617461c0a372706384a474797065a8726573706f6e7365a763616c6c5f6964aa36"
                                + "303661643736373132a8726573706f6e7365c0a56572726f72c0a76368616e6e656cc0a974696d6573"
                                + "74616d70c0ae636f7272656c6174696f6e5f6964c0",
                        new RpcResponse("606ad76712", null, null, false, false)));
    }

    // Section 3, server frame 4: a publish to "news".
    private static final String CHANNEL_PUBLISH =
            "86a6736f7572636502a464617461b168656c6c6f207375627363726962657273a3727063c0a76368616e6e656ca46e657773a974"
                    + "696d657374616d70c0ae636f7272656c6174696f6e5f6964c0";

    // Sections 2 and 4: what the generic client sent (TEXT frames), in order.
    static Stream<Arguments> jsonRequests() {
        return Stream.of(
                Arguments.of(
                        "{\"source\":5,\"rpc\":{\"type\":\"request\",\"method\":\"add\",\"args\":[10,20],"
                                + "\"call_id\":\"generic-1\"}}",
                        new RpcRequest("add", List.of(10, 20), Map.of(), "generic-1")),
                Arguments.of(
                        "{\"source\":5,\"rpc\":{\"type\":\"request\",\"method\":\"join\",\"args\":[\"news\"],"
                                + "\"call_id\":\"generic-2\"}}",
                        new RpcRequest("join", List.of("news"), Map.of(), "generic-2")),
                Arguments.of(
                        "{\"source\":5,\"rpc\":{\"type\":\"request\",\"method\":\"announce\","
                                + "\"args\":[\"news\",\"hi generic\"],\"call_id\":\"generic-3\"}}",
                        new RpcRequest("announce", List.of("news", "hi generic"), Map.of(), "generic-3")),
                // Without args and kwargs, which default to empty.
                Arguments.of(
                        "{\"source\":5,\"rpc\":{\"type\":\"request\",\"method\":\"nope\",\"call_id\":\"generic-4\"}}",
                        new RpcRequest("nope", List.of(), Map.of(), "generic-4")));
    }

    // Sections 2 and 4: the server's RPC replies.
    static Stream<Arguments> jsonResponses() {
        return Stream.of(
                Arguments.of(
                        "{\"source\":5,\"data\":null,\"rpc\":{\"type\":\"response\",\"call_id\":\"generic-1\","
                                + "\"response\":30,\"error\":null},\"channel\":null,\"timestamp\":null,"
                                + "\"correlation_id\":null}",
                        new RpcResponse("generic-1", 30, null, false, false)),
                Arguments.of(
                        "{\"source\":5,\"data\":null,\"rpc\":{\"type\":\"response\",\"call_id\":\"generic-2\","
                                + "\"response\":[\"news\"],\"error\":null},\"channel\":null,\"timestamp\":null,"
                                + "\"correlation_id\":null}",
                        new RpcResponse("generic-2", List.of("news"), null, false, false)),
                Arguments.of(
                        "{\"source\":5,\"data\":null,\"rpc\":{\"type\":\"response\",\"call_id\":\"generic-3\","
                                + "\"response\":true,\"error\":null},\"channel\":null,\"timestamp\":null,"
                                + "\"correlation_id\":null}",
                        new RpcResponse("generic-3", true, null, false, false)),
                Arguments.of(
                        "{\"source\":5,\"data\":null,\"rpc\":{\"type\":\"response\",\"call_id\":\"generic-4\","
                                + "\"response\":\"RPC method 'nope' not found.\",\"error\":-32601},\"channel\":null,"
                                + "\"timestamp\":null,\"correlation_id\":null}",
                        new RpcResponse("generic-4", "RPC method 'nope' not found.", -32601, false, false)),
                Arguments.of(
                        "{\"source\":5,\"data\":null,\"rpc\":{\"type\":\"response\",\"call_id\":\"generic-4\","
                                + "\"response\":null,\"error\":null},\"channel\":null,\"timestamp\":null,"
                                + "\"correlation_id\":null}",
                        new RpcResponse("generic-4", null, null, false, false)));
    }

    private static final String JSON_CHANNEL_PUBLISH = "{\"source\":2,\"data\":\"hi generic\",\"rpc\":null,"
            + "\"channel\":\"news\",\"timestamp\":null,\"correlation_id\":null}";
    private static final String NOT_A_PACKET = "just some text, not a packet";
    private static final String ECHOED_AS_BASE64 =
            "{\"source\":4,\"data\":\"anVzdCBzb21lIHRleHQsIG5vdCBhIHBhY2tldA==\","
                    + "\"rpc\":null,\"channel\":null,\"timestamp\":null,\"correlation_id\":null}";

    @ParameterizedTest
    @MethodSource("msgpackRequests")
    void requestEncodesByteIdenticalToPython(String vector, RpcRequest request) {
        assertThat(HEX.formatHex(MSGPACK.encode(Packet.rpc(request)))).isEqualTo(vector);
    }

    @ParameterizedTest
    @MethodSource("msgpackRequests")
    void msgpackRequestVectorDecodesToItsRequest(String vector, RpcRequest request) {
        Packet packet = MSGPACK.decode(HEX.parseHex(vector));

        assertRpcPacket(packet);
        assertThat(packet.rpc()).isEqualTo(request);
    }

    @ParameterizedTest
    @MethodSource("msgpackResponses")
    void msgpackResponseVectorDecodesToItsResponse(String vector, RpcResponse response) {
        Packet packet = MSGPACK.decode(HEX.parseHex(vector));

        assertRpcPacket(packet);
        assertThat(packet.rpc()).isEqualTo(response);
    }

    @ParameterizedTest
    @MethodSource("msgpackResponses")
    void responseEncodesAsPythonVectorPlusStreamFlags(String vector, RpcResponse response) {
        byte[] expected = withStreamFlags(HEX.parseHex(vector));

        assertThat(HEX.formatHex(MSGPACK.encode(Packet.rpc(response)))).isEqualTo(HEX.formatHex(expected));
    }

    @Test
    void channelPublishEncodesByteIdenticalToPython() {
        assertThat(HEX.formatHex(MSGPACK.encode(Packet.channel("news", "hello subscribers"))))
                .isEqualTo(CHANNEL_PUBLISH);
    }

    @Test
    void channelPublishVectorDecodesToItsPacket() {
        Packet packet = MSGPACK.decode(HEX.parseHex(CHANNEL_PUBLISH));

        assertThat(packet.source()).isEqualTo(PacketSource.CHANNEL);
        assertThat(packet.data()).isEqualTo("hello subscribers");
        assertThat(packet.rpc()).isNull();
        assertThat(packet.channel()).isEqualTo("news");
        assertThat(packet.timestamp()).isNull();
        assertThat(packet.correlationId()).isNull();
    }

    @ParameterizedTest
    @MethodSource("jsonRequests")
    void jsonRequestVectorDecodesToItsRequest(String vector, RpcRequest request) {
        Packet packet = JSON.decode(utf8(vector));

        assertRpcPacket(packet);
        assertThat(packet.rpc()).isEqualTo(request);
    }

    @ParameterizedTest
    @MethodSource("jsonResponses")
    void jsonResponseVectorDecodesToItsResponse(String vector, RpcResponse response) {
        Packet packet = JSON.decode(utf8(vector));

        assertRpcPacket(packet);
        assertThat(packet.rpc()).isEqualTo(response);
    }

    @ParameterizedTest
    @MethodSource("jsonResponses")
    void jsonResponseEncodesAsPythonVectorPlusStreamFlags(String vector, RpcResponse response) {
        assertThat(new String(JSON.encode(Packet.rpc(response)), StandardCharsets.UTF_8))
                .isEqualTo(withStreamFlags(vector));
    }

    @Test
    void jsonChannelPublishEncodesIdenticalToPython() {
        assertThat(new String(JSON.encode(Packet.channel("news", "hi generic")), StandardCharsets.UTF_8))
                .isEqualTo(JSON_CHANNEL_PUBLISH);
    }

    @Test
    void jsonChannelPublishVectorDecodesToItsPacket() {
        assertThat(JSON.decode(utf8(JSON_CHANNEL_PUBLISH))).isEqualTo(Packet.channel("news", "hi generic"));
    }

    @Test
    void textThatIsNotAPacketDecodesToUnknownWithItsBytes() {
        Packet packet = JSON.decode(utf8(NOT_A_PACKET));

        assertThat(packet.source()).isEqualTo(PacketSource.UNKNOWN);
        assertThat((byte[]) packet.data()).isEqualTo(utf8(NOT_A_PACKET));
        assertThat(packet.rpc()).isNull();
        assertThat(packet.channel()).isNull();
    }

    @Test
    void unknownPacketEchoedAsCustomEncodesItsBytesAsBase64LikePython() {
        Packet received = JSON.decode(utf8(NOT_A_PACKET));

        assertThat(new String(JSON.encode(Packet.custom(received.data())), StandardCharsets.UTF_8))
                .isEqualTo(ECHOED_AS_BASE64);
    }

    @Test
    void base64EchoDecodesToCustomPacketWithTheBase64Text() {
        // JSON has no bytes: the base64 string stays a string.
        assertThat(JSON.decode(utf8(ECHOED_AS_BASE64)))
                .isEqualTo(Packet.custom("anVzdCBzb21lIHRleHQsIG5vdCBhIHBhY2tldA=="));
    }

    @Test
    void truncatedVectorDecodesToUnknown() {
        // Section 3, server frame 1: the first 48 bytes of a 100 KB response, all the capture kept.
        byte[] prefix = HEX.parseHex("86a6736f7572636505a464617461c0a372706384a474797065a8726573706f6e7365a763616c6c5f"
                + "6964a93630366164");

        Packet packet = MSGPACK.decode(prefix);

        assertThat(packet.source()).isEqualTo(PacketSource.UNKNOWN);
        assertThat((byte[]) packet.data()).isEqualTo(prefix);
    }

    private static void assertRpcPacket(Packet packet) {
        assertThat(packet.source()).isEqualTo(PacketSource.RPC);
        assertThat(packet.data()).isNull();
        assertThat(packet.channel()).isNull();
        assertThat(packet.timestamp()).isNull();
        assertThat(packet.correlationId()).isNull();
    }

    /**
     * The bytes Tether writes for a response vector. webshocket 0.5.0 wrote four-key responses; the protocol (and
     * Tether) adds {@code is_stream} and {@code is_end} after {@code error}. So: the rpc map's header 0x84 (fixmap
     * of 4) becomes 0x86, and {@code "is_stream": false, "is_end": false} follows the error value.
     */
    private static byte[] withStreamFlags(byte[] vector) {
        byte[] flags = HEX.parseHex("a969735f73747265616dc2a669735f656e64c2");
        int rpcHeader = indexOf(vector, HEX.parseHex("a3727063"), 0) + 4;
        assertThat(vector[rpcHeader]).isEqualTo((byte) 0x84);
        int errorValue = indexOf(vector, HEX.parseHex("a56572726f72"), rpcHeader) + 6;
        int errorEnd = errorValue + msgpackValueLength(vector, errorValue);

        byte[] result = new byte[vector.length + flags.length];
        System.arraycopy(vector, 0, result, 0, errorEnd);
        result[rpcHeader] = (byte) 0x86;
        System.arraycopy(flags, 0, result, errorEnd, flags.length);
        System.arraycopy(vector, errorEnd, result, errorEnd + flags.length, vector.length - errorEnd);
        return result;
    }

    /** The JSON counterpart of {@link #withStreamFlags(byte[])}: the two flags follow the error value. */
    private static String withStreamFlags(String vector) {
        Matcher error = Pattern.compile("(\"error\":(null|-?[0-9]+))}").matcher(vector);
        assertThat(error.find()).isTrue();
        return vector.substring(0, error.end(1)) + ",\"is_stream\":false,\"is_end\":false"
                + vector.substring(error.end(1));
    }

    private static int msgpackValueLength(byte[] bytes, int offset) {
        try (MessageUnpacker unpacker = MessagePack.newDefaultUnpacker(bytes, offset, bytes.length - offset)) {
            unpacker.skipValue();
            return (int) unpacker.getTotalReadBytes();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle, int from) {
        for (int i = from; i <= haystack.length - needle.length; i++) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        throw new AssertionError(HEX.formatHex(needle) + " not found in " + HEX.formatHex(haystack));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
