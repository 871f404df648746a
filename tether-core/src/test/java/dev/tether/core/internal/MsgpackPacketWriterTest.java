package dev.tether.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import dev.tether.core.EncodingException;
import dev.tether.core.Packet;
import dev.tether.core.PacketCodec;
import dev.tether.core.PacketCodecs;
import dev.tether.core.RpcRequest;
import dev.tether.core.RpcResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The values {@link MsgpackPacketWriter} hands to Jackson, its failures, and the buffer each thread keeps. */
class MsgpackPacketWriterTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final PacketCodec MSGPACK = PacketCodecs.msgpack();
    private static final BigInteger TWO_TO_THE_64 = BigInteger.ONE.shiftLeft(64);

    record Point(int x, int y) {}

    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME)
    interface Animal {}

    record Dog(String name) implements Animal {}

    static final class Opaque {}

    private static void assertSameAsJackson(Packet packet) {
        assertThat(HEX.formatHex(MSGPACK.encode(packet)))
                .isEqualTo(HEX.formatHex(JacksonMsgpackReference.encode(packet)));
    }

    /** The writer fails as Jackson's generator did: same exception type, same message. */
    private static void assertFailsAsJackson(Packet packet) {
        EncodingException expected =
                catchThrowableOfType(EncodingException.class, () -> JacksonMsgpackReference.encode(packet));
        assertThat(expected).as("the reference fails too").isNotNull();

        assertThatThrownBy(() -> MSGPACK.encode(packet))
                .isInstanceOf(EncodingException.class)
                .hasMessage(expected.getMessage());
    }

    private static List<Object> nested(int depth, Object innermost) {
        List<Object> outer = new ArrayList<>();
        List<Object> current = outer;
        for (int i = 1; i < depth; i++) {
            List<Object> inner = new ArrayList<>();
            current.add(inner);
            current = inner;
        }
        current.add(innermost);
        return outer;
    }

    @Test
    void recordInDataIsWrittenByJackson() {
        Packet packet = Packet.custom(new Point(1, 2));

        assertSameAsJackson(packet);
        assertThat(MSGPACK.decode(MSGPACK.encode(packet)).data()).isEqualTo(Map.of("x", 1, "y", 2));
    }

    @Test
    void recordDeepInsideListsAndMapsIsWrittenByJackson() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("k", List.of(new Point(3, 4), "after"));
        map.put("plain", 5);

        assertSameAsJackson(Packet.custom(List.of(1, map, "x")));
        assertSameAsJackson(
                Packet.rpc(new RpcRequest("m", List.of(new Point(1, 2)), Map.of("p", new Point(5, 6)), "c")));
        assertSameAsJackson(Packet.rpc(RpcResponse.result("c", List.of(map))));
    }

    @Test
    void typeIdOfARecordAloneButNotInAListAsJacksonWritesIt() {
        Dog dog = new Dog("rex");

        assertThat(HEX.formatHex(MSGPACK.encode(Packet.custom(dog))))
                .contains(HEX.formatHex("@type".getBytes(StandardCharsets.US_ASCII)));
        assertThat(HEX.formatHex(MSGPACK.encode(Packet.custom(List.of(dog)))))
                .doesNotContain(HEX.formatHex("@type".getBytes(StandardCharsets.US_ASCII)));
        assertSameAsJackson(Packet.custom(dog));
        assertSameAsJackson(Packet.custom(List.of("a", dog)));
        assertSameAsJackson(Packet.custom(Map.of("d", dog)));
        assertSameAsJackson(Packet.custom(new Animal[] {dog}));
        assertSameAsJackson(Packet.custom(new Object[] {dog}));
    }

    @Test
    void mapWithKeysThatAreNotStringsIsWrittenByJacksonWithNativeKeys() {
        Map<Object, Object> map = new LinkedHashMap<>();
        map.put(1, "a");
        map.put(true, "b");

        assertThat(HEX.formatHex(MSGPACK.encode(Packet.custom(map)))).contains("a464617461" + "8201a161c3a162");
        assertSameAsJackson(Packet.custom(map));
        assertSameAsJackson(Packet.custom(List.of(map)));
    }

    @Test
    void floatsAreFloat32AsJacksonWritesThem() {
        assertThat(HEX.formatHex(MSGPACK.encode(Packet.custom(1.5f)))).contains("a464617461" + "ca3fc00000");
        assertSameAsJackson(Packet.custom(List.of(1.5f, 1.5)));
    }

    @Test
    void integerBeyond64BitsFailsAsBefore() {
        assertThatThrownBy(() -> MSGPACK.encode(Packet.custom(TWO_TO_THE_64)))
                .isInstanceOf(EncodingException.class)
                .hasMessage("packet: CUSTOM (expected: values MSGPACK can hold: MessagePack cannot serialize "
                        + "BigInteger larger than 2^64-1)");
        assertFailsAsJackson(Packet.custom(TWO_TO_THE_64));
        assertFailsAsJackson(Packet.custom(List.of(1, Map.of("big", TWO_TO_THE_64))));
        assertFailsAsJackson(Packet.custom(List.of(new Point(1, 2), TWO_TO_THE_64)));
        assertFailsAsJackson(Packet.rpc(RpcResponse.result("c", TWO_TO_THE_64.negate())));
    }

    @Test
    void decimalNoDoubleHoldsFailsAsBeforeAloneAndInsideAList() {
        BigDecimal decimal = new BigDecimal("0.1000000000000000000000001");

        assertFailsAsJackson(Packet.custom(decimal));
        assertFailsAsJackson(Packet.custom(List.of(decimal)));
        assertThatThrownBy(() -> MSGPACK.encode(Packet.custom(decimal)))
                .hasMessageStartingWith("packet: CUSTOM (expected: values MSGPACK can hold: ");
    }

    @Test
    void valueJacksonCannotWriteFailsWithThePathFromTheField() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("k", List.of(1, 2, new Opaque()));

        assertFailsAsJackson(Packet.custom(List.of("a", map)));
        assertThatThrownBy(() -> MSGPACK.encode(Packet.custom(List.of("a", map))))
                .hasMessageStartingWith("data[1].k[2]: dev.tether.core.internal.MsgpackPacketWriterTest$Opaque");
        assertFailsAsJackson(Packet.rpc(new RpcRequest("m", List.of(), Map.of("a", List.of(new Opaque())), "c")));
    }

    @Test
    void nestingBeyondTheLimitFailsAsBeforeWhoeverWritesTheDeepestContainer() {
        assertFailsAsJackson(Packet.custom(nested(511, List.of())));
        assertFailsAsJackson(Packet.custom(nested(510, Map.of("p", new Point(1, 2)))));
        assertFailsAsJackson(Packet.custom(nested(511, new Point(1, 2))));
        assertFailsAsJackson(Packet.rpc(RpcResponse.result("c", nested(510, List.of()))));
    }

    @Test
    void nestingUpToTheLimitEncodesAsBefore() {
        assertSameAsJackson(Packet.custom(nested(510, List.of())));
        assertSameAsJackson(Packet.custom(nested(510, new Point(1, 2))));
        assertSameAsJackson(Packet.custom(nested(509, Map.of("p", new Point(1, 2)))));
    }

    @Test
    void failureWritesNothingToTheStream() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        assertThatThrownBy(() -> MSGPACK.encode(Packet.custom(List.of("x".repeat(10_000), TWO_TO_THE_64)), out))
                .isInstanceOf(EncodingException.class);
        assertThatThrownBy(() -> MSGPACK.encode(Packet.custom(List.of("x".repeat(10_000), new Opaque())), out))
                .isInstanceOf(EncodingException.class);

        assertThat(out.size()).isZero();
    }

    /** A value whose serializer encodes a packet of its own and writes its bytes. */
    @JsonSerialize(using = EncodesAPacket.class)
    record Nested(Packet packet) {}

    static final class EncodesAPacket extends JsonSerializer<Nested> {
        @Override
        public void serialize(Nested value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
            gen.writeBinary(MSGPACK.encode(value.packet()));
        }
    }

    @Test
    void packetEncodedByASerializerDuringAnEncodeGetsItsOwnPacker() {
        Packet inner = Packet.custom(List.of("inner", new Point(7, 8), "x".repeat(300)));
        byte[] innerBytes = MSGPACK.encode(inner);

        byte[] outer = MSGPACK.encode(Packet.custom(List.of(1, new Nested(inner), "after")));

        assertThat(HEX.formatHex(outer))
                .isEqualTo(HEX.formatHex(MSGPACK.encode(Packet.custom(List.of(1, innerBytes, "after")))));
        assertThat(HEX.formatHex(MSGPACK.encode(Packet.channel("c", new Nested(inner)))))
                .isEqualTo(HEX.formatHex(MSGPACK.encode(Packet.channel("c", innerBytes))));
        assertSameAsJackson(Packet.custom(List.of("afterwards", new Point(1, 2))));
    }

    @Test
    void threadKeepsItsBufferUpTo64KiB() {
        MSGPACK.encode(Packet.custom(new byte[100_000]));
        assertThat(MsgpackPacketWriter.retainedCapacity()).isZero();

        MSGPACK.encode(Packet.custom("small"));
        assertThat(MsgpackPacketWriter.retainedCapacity()).isEqualTo(MsgpackPacketWriter.INITIAL_CAPACITY);

        MSGPACK.encode(Packet.custom(new byte[40_000]));
        int grown = MsgpackPacketWriter.retainedCapacity();
        assertThat(grown).isGreaterThan(40_000).isLessThanOrEqualTo(MsgpackPacketWriter.MAX_RETAINED_CAPACITY);

        MSGPACK.encode(Packet.custom("small"));
        assertThat(MsgpackPacketWriter.retainedCapacity()).isEqualTo(grown);

        MSGPACK.encode(Packet.custom("x".repeat(70_000)));
        assertThat(MsgpackPacketWriter.retainedCapacity()).isZero();
    }

    @Test
    void failedEncodeDropsTheThreadsBufferAndTheNextOneIsSound() {
        MSGPACK.encode(Packet.custom("small"));
        assertThat(MsgpackPacketWriter.retainedCapacity()).isPositive();

        assertThatThrownBy(() -> MSGPACK.encode(Packet.custom(List.of("x".repeat(50), TWO_TO_THE_64))))
                .isInstanceOf(EncodingException.class);

        assertThat(MsgpackPacketWriter.retainedCapacity()).isZero();
        assertSameAsJackson(Packet.custom(List.of("y".repeat(50), 1)));
    }
}
