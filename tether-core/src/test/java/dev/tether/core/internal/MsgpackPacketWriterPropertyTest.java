package dev.tether.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.tether.core.Packet;
import dev.tether.core.PacketCodec;
import dev.tether.core.PacketCodecs;
import dev.tether.core.PacketSource;
import dev.tether.core.RpcMessage;
import dev.tether.core.RpcRequest;
import dev.tether.core.RpcResponse;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.jspecify.annotations.Nullable;
import org.msgpack.jackson.dataformat.MessagePackExtensionType;

/**
 * {@link MsgpackPacketWriter} writes what Jackson's MessagePack generator wrote ({@link JacksonMsgpackReference}),
 * byte for byte, for packets of every shape: all sources, RPC requests and responses with every field, data trees of
 * the types the writer packs itself at the edges of their encodings, and now and then a value only Jackson writes,
 * alone or deep inside lists and maps.
 */
class MsgpackPacketWriterPropertyTest {
    private static final PacketCodec MSGPACK = PacketCodecs.msgpack();

    @Property(seed = "5101", tries = 1000)
    void writerMatchesJacksonForAnyPacket(@ForAll("packets") Packet packet) {
        assertSameBytes(MSGPACK.encode(packet), JacksonMsgpackReference.encode(packet));
    }

    @Property(seed = "5102", tries = 300)
    void streamAndArrayEncodingsAgree(@ForAll("packets") Packet packet) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        MSGPACK.encode(packet, out);

        assertSameBytes(out.toByteArray(), MSGPACK.encode(packet));
    }

    @Property(seed = "5103", tries = 500)
    void writerMatchesJacksonForAnyRequest(@ForAll("requests") RpcRequest request) {
        Packet packet = Packet.rpc(request);

        assertSameBytes(MSGPACK.encode(packet), JacksonMsgpackReference.encode(packet));
    }

    @Property(seed = "5104", tries = 500)
    void writerMatchesJacksonForAnyResponse(@ForAll("responses") RpcResponse response) {
        Packet packet = Packet.rpc(response);

        assertSameBytes(MSGPACK.encode(packet), JacksonMsgpackReference.encode(packet));
    }

    private static void assertSameBytes(byte[] actual, byte[] expected) {
        int mismatch = Arrays.mismatch(actual, expected);
        assertThat(mismatch)
                .as(() ->
                        "first differing byte at " + mismatch + " of " + actual.length + " (expected " + expected.length
                                + "): " + window(actual, mismatch) + " instead of " + window(expected, mismatch))
                .isEqualTo(-1);
    }

    private static String window(byte[] bytes, int at) {
        int from = Math.max(0, at - 16);
        int to = Math.min(bytes.length, at + 16);
        return HexFormat.of().formatHex(bytes, from, to) + " (from " + from + ")";
    }

    // ---- packets

    @Provide
    Arbitrary<Packet> packets() {
        Arbitrary<@Nullable RpcMessage> rpc = Arbitraries.oneOf(
                        requests().map(r -> (RpcMessage) r), responses().map(r -> (RpcMessage) r))
                .injectNull(0.4);
        Arbitrary<@Nullable String> optionalStrings = strings().injectNull(0.4);
        return Combinators.combine(
                        Arbitraries.of(PacketSource.class),
                        values(),
                        rpc,
                        optionalStrings,
                        timestamps(),
                        optionalStrings)
                .as(Packet::new);
    }

    @Provide
    Arbitrary<RpcRequest> requests() {
        return Combinators.combine(
                        strings(),
                        values().list().ofMaxSize(4),
                        Arbitraries.maps(strings(), values()).ofMaxSize(3),
                        strings())
                .as(RpcRequest::new);
    }

    @Provide
    Arbitrary<RpcResponse> responses() {
        return Combinators.combine(
                        strings(),
                        values(),
                        integerEdges()
                                .filter(v -> v == v.intValue())
                                .map(Long::intValue)
                                .injectNull(0.5),
                        Arbitraries.of(true, false),
                        Arbitraries.of(true, false))
                .as(RpcResponse::new);
    }

    private static Arbitrary<@Nullable Double> timestamps() {
        return Arbitraries.doubles()
                .between(0, 4e9)
                .withSpecialValue(Double.NaN)
                .withSpecialValue(-0.0)
                .injectNull(0.5);
    }

    // ---- data trees

    @Provide
    Arbitrary<@Nullable Object> values() {
        return Arbitraries.recursive(
                this::leaves,
                element -> Arbitraries.frequencyOf(
                        Tuple.of(3, leaves()),
                        Tuple.of(1, lists(element)),
                        Tuple.of(1, maps(element)),
                        Tuple.of(1, element.list().ofMaxSize(4).map(l -> (Object) l.toArray())),
                        Tuple.of(1, element.map(v -> (Object) new Box(v)))),
                0,
                4);
    }

    private Arbitrary<@Nullable Object> leaves() {
        return Arbitraries.frequencyOf(
                        Tuple.of(4, strings().map(s -> (Object) s)),
                        Tuple.of(4, integers()),
                        Tuple.of(1, doubles()),
                        Tuple.of(1, floats()),
                        Tuple.of(1, Arbitraries.of(true, false).map(b -> (Object) b)),
                        Tuple.of(2, bytes()),
                        Tuple.of(1, onlyJacksonWrites()))
                .injectNull(0.07);
    }

    private enum ListKind {
        ARRAY_LIST,
        LINKED_LIST,
        ARRAYS_AS_LIST,
        UNMODIFIABLE,
        NOT_THE_JDKS
    }

    @SuppressWarnings("JdkObsolete") // a LinkedList on purpose: Jackson writes lists without RandomAccess another way
    private static Arbitrary<Object> lists(Arbitrary<@Nullable Object> element) {
        return Combinators.combine(element.list().ofMaxSize(5), Arbitraries.of(ListKind.class))
                .as((elements, kind) -> switch (kind) {
                    case ARRAY_LIST -> new ArrayList<>(elements);
                    case LINKED_LIST -> new LinkedList<>(elements);
                    case ARRAYS_AS_LIST -> Arrays.asList(elements.toArray());
                    case UNMODIFIABLE -> Collections.unmodifiableList(new ArrayList<>(elements));
                    case NOT_THE_JDKS -> new OwnList(elements);
                });
    }

    private enum MapKind {
        LINKED,
        SORTED,
        UNMODIFIABLE
    }

    private static Arbitrary<Object> maps(Arbitrary<@Nullable Object> element) {
        return Combinators.combine(Arbitraries.maps(strings(), element).ofMaxSize(4), Arbitraries.of(MapKind.class))
                .as((entries, kind) -> switch (kind) {
                    case LINKED -> new LinkedHashMap<>(entries);
                    case SORTED -> new TreeMap<>(entries);
                    case UNMODIFIABLE -> Collections.unmodifiableMap(new LinkedHashMap<>(entries));
                });
    }

    /** The integers at the edges of MessagePack's encodings, in every Java type that holds them, and others. */
    private static Arbitrary<Object> integers() {
        Arbitrary<Long> longs = Arbitraries.frequencyOf(
                Tuple.of(3, integerEdges()),
                Tuple.of(1, Arbitraries.longs()),
                Tuple.of(1, Arbitraries.longs().between(-70_000, 70_000)));
        Arbitrary<Object> uint64 = Arbitraries.of(
                        BigInteger.ONE.shiftLeft(63),
                        BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE),
                        new BigInteger("12345678901234567890"))
                .map(i -> (Object) i);
        return Arbitraries.frequencyOf(
                Tuple.of(9, longs.flatMap(v -> Arbitraries.of(holders(v)))), Tuple.of(1, uint64));
    }

    private static Arbitrary<Long> integerEdges() {
        List<Long> edges = new ArrayList<>();
        for (long v : new long[] {
            0,
            1,
            31,
            32,
            127,
            128,
            255,
            256,
            32767,
            32768,
            65535,
            65536,
            Integer.MAX_VALUE,
            1L << 31,
            (1L << 32) - 1,
            1L << 32,
            Long.MAX_VALUE
        }) {
            edges.add(v);
            edges.add(-v);
            edges.add(-v - 1);
        }
        return Arbitraries.of(edges);
    }

    private static List<Object> holders(long v) {
        List<Object> holders = new ArrayList<>(List.of(v, BigInteger.valueOf(v)));
        if (v == (int) v) {
            holders.add((int) v);
        }
        if (v == (short) v) {
            holders.add((short) v);
        }
        if (v == (byte) v) {
            holders.add((byte) v);
        }
        return holders;
    }

    private static Arbitrary<Object> doubles() {
        return Arbitraries.doubles()
                .withSpecialValue(Double.NaN)
                .withSpecialValue(Double.POSITIVE_INFINITY)
                .withSpecialValue(-0.0)
                .withSpecialValue(Double.MIN_VALUE)
                .withSpecialValue(Double.MAX_VALUE)
                .map(d -> (Object) d);
    }

    private static Arbitrary<Object> floats() {
        return Arbitraries.floats()
                .withSpecialValue(Float.NaN)
                .withSpecialValue(Float.NEGATIVE_INFINITY)
                .withSpecialValue(-0.0f)
                .withSpecialValue(Float.MIN_VALUE)
                .withSpecialValue(Float.MAX_VALUE)
                .map(f -> (Object) f);
    }

    /** Strings of any code points, and strings whose UTF-8 length sits at an edge of str8, str16 and str32. */
    private static Arbitrary<String> strings() {
        Arbitrary<Integer> codePoints = Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.integers().between(0x20, 0x7e)),
                Tuple.of(1, Arbitraries.integers().between(0, 0x1f)),
                Tuple.of(2, Arbitraries.integers().between(0x80, 0x7ff)),
                Tuple.of(2, Arbitraries.integers().between(0x800, 0xffff)), // lone surrogates too: both write '?'
                Tuple.of(2, Arbitraries.integers().between(0x10000, 0x10ffff)));
        Arbitrary<String> text = codePoints.list().ofMaxSize(40).map(cps -> {
            StringBuilder s = new StringBuilder();
            cps.forEach(s::appendCodePoint);
            return s.toString();
        });
        return Arbitraries.frequencyOf(Tuple.of(12, text), Tuple.of(1, Arbitraries.of(EDGE_STRINGS)));
    }

    private static final List<String> EDGE_STRINGS = List.of(
            "",
            "x".repeat(31),
            "x".repeat(32),
            "x".repeat(255),
            "x".repeat(256),
            "x".repeat(511), // msgpack-core encodes strings of 512 chars and more another way
            "x".repeat(512),
            "x".repeat(65535),
            "x".repeat(65536),
            "é".repeat(127) + "x", // 255 bytes in 128 chars
            "é".repeat(128), // 256 bytes
            "✓".repeat(85), // 255 bytes
            "✓".repeat(171), // 513 bytes
            "✓".repeat(21845), // 65535 bytes
            "✓".repeat(21846), // 65538 bytes, from 21846 chars: str32 after a str16 guess
            "𝄞".repeat(8), // 32 bytes
            "𝄞".repeat(64), // 256 bytes in 128 chars
            "𝄞".repeat(16384)); // 65536 bytes

    private static Arbitrary<Object> bytes() {
        Arbitrary<byte[]> edges = Arbitraries.of(0, 1, 31, 32, 255, 256, 65535, 65536)
                .map(n -> {
                    byte[] b = new byte[n];
                    for (int i = 0; i < n; i++) {
                        b[i] = (byte) (i * 7);
                    }
                    return b;
                });
        return Arbitraries.frequencyOf(
                        Tuple.of(3, Arbitraries.bytes().array(byte[].class).ofMaxSize(40)), Tuple.of(1, edges))
                .map(b -> (Object) b);
    }

    // ---- values the writer hands to Jackson

    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME)
    interface Animal {}

    record Dog(String name) implements Animal {}

    record Point(int x, int y) {}

    /** A record holding a data tree: Jackson writes the whole tree. */
    record Box(@Nullable Object value) {}

    enum Color {
        RED
    }

    /** A list that is not the JDK's: it could carry Jackson annotations, so Jackson writes it. */
    static final class OwnList extends ArrayList<@Nullable Object> {
        private static final long serialVersionUID = 1L;

        OwnList(List<@Nullable Object> elements) {
            super(elements);
        }
    }

    private static Arbitrary<Object> onlyJacksonWrites() {
        Map<Object, Object> nativeKeys = new LinkedHashMap<>();
        nativeKeys.put(1, "a");
        nativeKeys.put(true, "b");
        nativeKeys.put("x", "c");
        return Arbitraries.of(
                new Point(1, -200),
                new Dog("rex"), // with its type id when alone, without in a list or map
                new Animal[] {new Dog("rex"), null}, // with type ids: the array's element type has them
                List.of(new Dog("rex")),
                Instant.ofEpochSecond(1_700_000_000L, 5),
                UUID.fromString("123e4567-e89b-12d3-a456-426614174000"),
                new BigDecimal("1.5"),
                new BigDecimal("3"),
                'c',
                new int[] {1, 300, -40_000},
                new char[] {'h', 'i'},
                Color.RED,
                new MessagePackExtensionType((byte) 7, new byte[] {1, 2, 3}),
                nativeKeys,
                Collections.singleton("set"));
    }
}
