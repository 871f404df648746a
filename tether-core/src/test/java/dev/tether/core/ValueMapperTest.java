package dev.tether.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Type;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ValueMapperTest {
    private static final ValueMapper MAPPER = ValueMapper.standard();

    record Point(int x, int y) {}

    enum Color {
        RED,
        GREEN
    }

    /** A POJO: public no-arg constructor and setters. */
    static final class Settings {
        private String name = "";
        private boolean loud;

        public void setName(String name) {
            this.name = name;
        }

        public void setLoud(boolean loud) {
            this.loud = loud;
        }
    }

    // Generic types to convert to, read by reflection.
    static List<Long> longs;
    static Map<String, Point> points;

    private static Type typeOf(String field) throws NoSuchFieldException {
        return ValueMapperTest.class.getDeclaredField(field).getGenericType();
    }

    private static Map<String, Object> map(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    @Test
    void valueOfTheTargetClassIsReturnedAsItIs() {
        byte[] bytes = {1, 2};
        Map<String, Object> data = map("a", 1);

        assertThat(MAPPER.<Object>convert(bytes, byte[].class)).isSameAs(bytes);
        assertThat(MAPPER.<Object>convert(data, Object.class)).isSameAs(data);
        assertThat(MAPPER.<Object>convert(data, Map.class)).isSameAs(data);
        assertThat(MAPPER.<Integer>convert(7, int.class)).isEqualTo(7);
    }

    @Test
    void numbersWidenToTheParameterType() {
        assertThat(MAPPER.<Long>convert(5, long.class)).isEqualTo(5L);
        assertThat(MAPPER.<Double>convert(5, double.class)).isEqualTo(5.0);
        assertThat(MAPPER.<BigInteger>convert(5L, BigInteger.class)).isEqualTo(BigInteger.valueOf(5));
    }

    @Test
    void genericTargetsConvertTheirElements() throws NoSuchFieldException {
        List<Long> converted = MAPPER.convert(List.of(1, 2), typeOf("longs"));
        Map<String, Point> byName = MAPPER.convert(map("a", map("x", 1, "y", 2)), typeOf("points"));

        assertThat(converted).containsExactly(1L, 2L);
        assertThat(byName).containsExactly(Map.entry("a", new Point(1, 2)));
    }

    @Test
    void listsConvertToArraysAndSets() {
        assertThat(MAPPER.<int[]>convert(List.of(1, 2), int[].class)).containsExactly(1, 2);
        assertThat(MAPPER.<Set<Object>>convert(List.of(1, 2, 2), Set.class)).containsExactlyInAnyOrder(1, 2);
    }

    @Test
    void mapsConvertToRecordsIgnoringUnknownKeys() {
        assertThat(MAPPER.<Point>convert(map("x", 1, "y", 2, "z", 3), Point.class))
                .isEqualTo(new Point(1, 2));
    }

    @Test
    void mapsConvertToPojos() {
        Settings settings = MAPPER.convert(map("name", "n", "loud", true), Settings.class);

        assertThat(settings).isNotNull();
        assertThat(settings.name).isEqualTo("n");
        assertThat(settings.loud).isTrue();
    }

    @Test
    void base64TextConvertsToBytes() {
        assertThat(MAPPER.<byte[]>convert("AQL/", byte[].class)).containsExactly(1, 2, -1);
    }

    @Test
    void textConvertsToEnumsAndInstants() {
        assertThat(MAPPER.<Color>convert("GREEN", Color.class)).isEqualTo(Color.GREEN);
        assertThat(MAPPER.<Instant>convert("1970-01-01T00:00:01Z", Instant.class))
                .isEqualTo(Instant.ofEpochSecond(1));
    }

    @Test
    void nullStaysNullForReferenceTypes() {
        assertThat(MAPPER.<Object>convert(null, String.class)).isNull();
        assertThat(MAPPER.<Object>convert(null, Point.class)).isNull();
    }

    @Test
    void nullIsNotAPrimitive() {
        assertThatThrownBy(() -> MAPPER.convert(null, int.class))
                .isInstanceOf(ConversionException.class)
                .hasMessage("value: null (expected: int)");
    }

    @Test
    void textIsNotANumberAndNumbersAreNotText() {
        assertThatThrownBy(() -> MAPPER.convert("12", int.class))
                .isInstanceOf(ConversionException.class)
                .hasMessage("value: \"12\" (expected: int)");
        assertThatThrownBy(() -> MAPPER.convert(5, String.class))
                .isInstanceOf(ConversionException.class)
                .hasMessage("value: 5 (expected: String)");
        assertThatThrownBy(() -> MAPPER.convert(true, String.class))
                .isInstanceOf(ConversionException.class)
                .hasMessage("value: true (expected: String)");
    }

    @Test
    void fractionsAndOverflowsAreNotInts() {
        assertThatThrownBy(() -> MAPPER.convert(1.5, int.class))
                .isInstanceOf(ConversionException.class)
                .hasMessage("value: 1.5 (expected: int)");
        assertThatThrownBy(() -> MAPPER.convert(1L << 40, int.class))
                .isInstanceOf(ConversionException.class)
                .hasMessage("value: 1099511627776 (expected: int)");
    }

    @Test
    void failureInsideAValueNamesThePlaceAndItsType() throws NoSuchFieldException {
        Type type = typeOf("points");

        assertThatThrownBy(() -> MAPPER.convert(map("a", map("x", "abc", "y", 2)), type))
                .isInstanceOf(ConversionException.class)
                .hasMessage("value: {a={x=abc, y=2}} (expected: Map<String, Point>, at a.x: int)")
                .hasCauseInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void missingPrimitiveComponentFails() {
        assertThatThrownBy(() -> MAPPER.convert(map("x", 1), Point.class))
                .isInstanceOf(ConversionException.class)
                .hasMessage("value: {x=1} (expected: Point, at y: int)");
    }

    @Test
    void invalidBase64AndUnknownEnumConstantsFail() {
        assertThatThrownBy(() -> MAPPER.convert("not base64!", byte[].class))
                .isInstanceOf(ConversionException.class)
                .hasMessage("value: \"not base64!\" (expected: byte[])");
        assertThatThrownBy(() -> MAPPER.convert("BLUE", Color.class))
                .isInstanceOf(ConversionException.class)
                .hasMessage("value: \"BLUE\" (expected: Color)");
    }

    @Test
    void longValuesAreCutInTheMessage() {
        String text = "x".repeat(300);

        assertThatThrownBy(() -> MAPPER.convert(text, int.class))
                .hasMessage("value: \"" + "x".repeat(99) + "… (expected: int)");
    }

    @Test
    void decodedPacketArgumentsConvert() {
        Packet packet = PacketCodecs.json()
                .decode(
                        "{\"source\":5,\"rpc\":{\"type\":\"request\",\"method\":\"move\",\"args\":[{\"x\":1,\"y\":2},\"AQI=\"]}}"
                                .getBytes(StandardCharsets.UTF_8));
        RpcRequest request = packet.request();

        assertThat(request).isNotNull();
        assertThat(MAPPER.<Point>convert(request.args().get(0), Point.class)).isEqualTo(new Point(1, 2));
        assertThat(MAPPER.<byte[]>convert(request.args().get(1), byte[].class)).containsExactly(1, 2);
    }
}
