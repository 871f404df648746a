package dev.tether.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.jspecify.annotations.Nullable;

/**
 * Encoding then decoding gives back the value, in the decoded value model of {@link Packet}: what goes in as a
 * {@code Long} that fits an {@code int} comes back an {@code Integer}, and JSON, which has no bytes, no timestamps
 * and no non-finite numbers, gives base64 text, ISO-8601 text and {@code null} for them.
 */
class RoundTripTest {
    private static final PacketCodec MSGPACK = PacketCodecs.msgpack();
    private static final PacketCodec JSON = PacketCodecs.json();
    private static final BigInteger MIN_INT64 = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger MAX_UINT64 = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    @Property(seed = "4101", tries = 500)
    void msgpackRoundTripsAnyValue(@ForAll("values") @Nullable Object value) {
        Packet decoded = MSGPACK.decode(MSGPACK.encode(Packet.custom(value)));

        assertThat(decoded.source()).isEqualTo(PacketSource.CUSTOM);
        assertThat(comparable(decoded.data())).isEqualTo(comparable(value));
    }

    @Property(seed = "4102", tries = 500)
    void jsonRoundTripsAnyValueAsItsJsonView(@ForAll("values") @Nullable Object value) {
        Packet decoded = JSON.decode(JSON.encode(Packet.custom(value)));

        assertThat(decoded.source()).isEqualTo(PacketSource.CUSTOM);
        assertThat(comparable(decoded.data())).isEqualTo(comparable(jsonView(value)));
    }

    @Property(seed = "4103")
    void longsComeBackAsTheSmallestType(@ForAll long value) {
        Object expected = canonical(BigInteger.valueOf(value));

        assertThat(MSGPACK.decode(MSGPACK.encode(Packet.custom(value))).data()).isEqualTo(expected);
        assertThat(JSON.decode(JSON.encode(Packet.custom(value))).data()).isEqualTo(expected);
    }

    @Property(seed = "4104")
    void bytesComeBackAsBinInMsgpackAndBase64TextInJson(@ForAll byte[] bytes) {
        assertThat((byte[]) MSGPACK.decode(MSGPACK.encode(Packet.custom(bytes))).data())
                .isEqualTo(bytes);
        assertThat(JSON.decode(JSON.encode(Packet.custom(bytes))).data())
                .isEqualTo(Base64.getEncoder().encodeToString(bytes));
    }

    @Property(seed = "4105")
    void msgpackRoundTripsAnyDoubleBitForBit(@ForAll double value) {
        Object decoded = MSGPACK.decode(MSGPACK.encode(Packet.custom(value))).data();

        assertThat(decoded).isInstanceOf(Double.class);
        assertThat(Double.doubleToRawLongBits((Double) decoded)).isEqualTo(Double.doubleToRawLongBits(value));
    }

    @Property(seed = "4106", tries = 500)
    void packetsOfEverySourceRoundTrip(@ForAll("packets") Packet packet) {
        assertSamePacket(MSGPACK.decode(MSGPACK.encode(packet)), packet);
        assertSamePacket(JSON.decode(JSON.encode(packet)), jsonView(packet));
    }

    @Property(seed = "4107", tries = 500)
    void rpcRequestsRoundTrip(@ForAll("requests") RpcRequest request) {
        Packet packet = Packet.rpc(request);

        assertSamePacket(MSGPACK.decode(MSGPACK.encode(packet)), packet);
        assertSamePacket(JSON.decode(JSON.encode(packet)), jsonView(packet));
    }

    @Property(seed = "4108", tries = 500)
    void rpcResponsesRoundTrip(@ForAll("responses") RpcResponse response) {
        Packet packet = Packet.rpc(response);

        assertSamePacket(MSGPACK.decode(MSGPACK.encode(packet)), packet);
        assertSamePacket(JSON.decode(JSON.encode(packet)), jsonView(packet));
    }

    // ---- generators

    @Provide
    Arbitrary<@Nullable Object> values() {
        return Arbitraries.recursive(
                        this::scalars,
                        element -> Arbitraries.frequencyOf(
                                Tuple.of(2, scalars()),
                                Tuple.of(1, element.list().ofMaxSize(4).map(l -> (Object) l)),
                                Tuple.of(
                                        1,
                                        Arbitraries.maps(strings(), element)
                                                .ofMaxSize(4)
                                                .map(m -> (Object) m))),
                        0,
                        4)
                .injectNull(0.05);
    }

    private Arbitrary<Object> scalars() {
        return Arbitraries.oneOf(
                Arbitraries.of(true, false),
                integers(),
                Arbitraries.doubles()
                        .withSpecialValue(Double.NaN)
                        .withSpecialValue(Double.POSITIVE_INFINITY)
                        .withSpecialValue(Double.NEGATIVE_INFINITY)
                        .withSpecialValue(-0.0)
                        .withSpecialValue(Double.MIN_VALUE)
                        .withSpecialValue(Double.MAX_VALUE)
                        .map(d -> (Object) d),
                strings().map(s -> (Object) s),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(16).map(b -> (Object) b),
                instants());
    }

    /** Every integer msgpack can carry, -2^63 to 2^64-1, as the smallest type that holds it. */
    private static Arbitrary<Object> integers() {
        return Arbitraries.oneOf(
                        Arbitraries.bigIntegers().between(MIN_INT64, MAX_UINT64),
                        Arbitraries.bigIntegers().between(BigInteger.valueOf(-300), BigInteger.valueOf(70_000)))
                .edgeCases(edges -> edges.includeOnly(MIN_INT64, MAX_UINT64, BigInteger.ZERO))
                .map(RoundTripTest::canonical);
    }

    /** Strings of any Unicode code points, astral ones included (no lone surrogates: they are not text). */
    private static Arbitrary<String> strings() {
        Arbitrary<Integer> codePoints = Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.integers().between(0x20, 0x7e)),
                Tuple.of(1, Arbitraries.integers().between(0, 0x1f)),
                Tuple.of(2, Arbitraries.integers().between(0x80, 0xd7ff)),
                Tuple.of(2, Arbitraries.integers().between(0xe000, 0x10ffff)));
        return codePoints.list().ofMaxSize(12).map(cps -> {
            StringBuilder s = new StringBuilder();
            cps.forEach(s::appendCodePoint);
            return s.toString();
        });
    }

    private static Arbitrary<Object> instants() {
        return Combinators.combine(
                        Arbitraries.longs().between(-(1L << 40), 1L << 40),
                        Arbitraries.integers().between(0, 999_999_999))
                .as((seconds, nanos) -> (Object) Instant.ofEpochSecond(seconds, nanos));
    }

    @Provide
    Arbitrary<Packet> packets() {
        Arbitrary<@Nullable String> optionalStrings = strings().injectNull(0.3);
        Arbitrary<@Nullable Double> timestamps =
                Arbitraries.doubles().between(0, 4e9).injectNull(0.3);
        return Combinators.combine(
                        Arbitraries.of(PacketSource.class), values(), optionalStrings, timestamps, optionalStrings)
                .as((source, data, channel, timestamp, correlationId) ->
                        new Packet(source, data, null, channel, timestamp, correlationId));
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
                        Arbitraries.integers().injectNull(0.5),
                        Arbitraries.of(true, false),
                        Arbitraries.of(true, false))
                .as(RpcResponse::new);
    }

    // ---- expectations

    static Object canonical(BigInteger value) {
        if (value.bitLength() < 32) {
            return value.intValue();
        }
        return value.bitLength() < 64 ? (Object) value.longValue() : value;
    }

    /** What JSON can carry of {@code value}. */
    static @Nullable Object jsonView(@Nullable Object value) {
        if (value instanceof byte[] bytes) {
            return Base64.getEncoder().encodeToString(bytes);
        }
        if (value instanceof Double d && !Double.isFinite(d)) {
            return null;
        }
        if (value instanceof Instant instant) {
            return instant.toString();
        }
        if (value instanceof List<?> list) {
            List<@Nullable Object> result = new ArrayList<>();
            list.forEach(v -> result.add(jsonView(v)));
            return result;
        }
        if (value instanceof Map<?, ?> map) {
            Map<Object, @Nullable Object> result = new LinkedHashMap<>();
            map.forEach((k, v) -> result.put(k, jsonView(v)));
            return result;
        }
        return value;
    }

    private static Packet jsonView(Packet packet) {
        RpcMessage rpc = packet.rpc();
        if (rpc instanceof RpcRequest r) {
            @SuppressWarnings("unchecked")
            List<@Nullable Object> args = (List<@Nullable Object>) jsonView(r.args());
            @SuppressWarnings("unchecked")
            Map<String, @Nullable Object> kwargs = (Map<String, @Nullable Object>) jsonView(r.kwargs());
            rpc = new RpcRequest(r.method(), args, kwargs, r.callId());
        } else if (rpc instanceof RpcResponse r) {
            rpc = new RpcResponse(r.callId(), jsonView(r.response()), r.error(), r.isStream(), r.isEnd());
        }
        return new Packet(
                packet.source(),
                jsonView(packet.data()),
                rpc,
                packet.channel(),
                packet.timestamp(),
                packet.correlationId());
    }

    /** Bytes compared by content, maps compared in iteration order (wire order must be kept). */
    record Bin(String hex) {}

    record Ordered(List<@Nullable Object> keysAndValues) {}

    static @Nullable Object comparable(@Nullable Object value) {
        if (value instanceof byte[] bytes) {
            return new Bin(HexFormat.of().formatHex(bytes));
        }
        if (value instanceof List<?> list) {
            List<@Nullable Object> result = new ArrayList<>();
            list.forEach(v -> result.add(comparable(v)));
            return result;
        }
        if (value instanceof Map<?, ?> map) {
            List<@Nullable Object> result = new ArrayList<>();
            map.forEach((k, v) -> {
                result.add(comparable(k));
                result.add(comparable(v));
            });
            return new Ordered(result);
        }
        return value;
    }

    private static void assertSamePacket(Packet actual, Packet expected) {
        assertThat(actual.source()).isEqualTo(expected.source());
        assertThat(comparable(actual.data())).isEqualTo(comparable(expected.data()));
        assertThat(actual.channel()).isEqualTo(expected.channel());
        assertThat(actual.timestamp()).isEqualTo(expected.timestamp());
        assertThat(actual.correlationId()).isEqualTo(expected.correlationId());
        RpcMessage rpc = expected.rpc();
        if (rpc instanceof RpcRequest r) {
            RpcRequest a = actual.request();
            assertThat(a).isNotNull();
            assertThat(a.method()).isEqualTo(r.method());
            assertThat(comparable(a.args())).isEqualTo(comparable(r.args()));
            assertThat(comparable(a.kwargs())).isEqualTo(comparable(r.kwargs()));
            assertThat(a.callId()).isEqualTo(r.callId());
        } else if (rpc instanceof RpcResponse r) {
            RpcResponse a = actual.response();
            assertThat(a).isNotNull();
            assertThat(a.callId()).isEqualTo(r.callId());
            assertThat(comparable(a.response())).isEqualTo(comparable(r.response()));
            assertThat(a.error()).isEqualTo(r.error());
            assertThat(a.isStream()).isEqualTo(r.isStream());
            assertThat(a.isEnd()).isEqualTo(r.isEnd());
        } else {
            assertThat(actual.rpc()).isNull();
        }
    }
}
