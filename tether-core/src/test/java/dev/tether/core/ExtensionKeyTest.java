package dev.tether.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ExtensionKeyTest {

    private static Map<String, Object> position(long offset, String epoch) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("offset", offset);
        map.put("epoch", epoch);
        return map;
    }

    @ParameterizedTest
    @EnumSource(WireFormat.class)
    void extensionRoundTripsAsASeventhKey(WireFormat format) {
        PacketCodec codec = PacketCodecs.of(format);
        Packet packet = Packet.channel("chat", "hi").withExtension(position(7, "ab12"));

        Packet decoded = codec.decode(codec.encode(packet));

        assertThat(decoded.extension()).containsEntry("offset", 7).containsEntry("epoch", "ab12");
        assertThat(decoded.withExtension(null)).isEqualTo(Packet.channel("chat", "hi"));
    }

    @ParameterizedTest
    @EnumSource(WireFormat.class)
    void aPacketWithoutExtensionIsTheSixKeyPacketByteForByte(WireFormat format) {
        PacketCodec codec = PacketCodecs.of(format);
        Packet plain = Packet.channel("chat", Map.of("text", "hi"));

        byte[] bytes = codec.encode(plain);

        assertThat(bytes)
                .isEqualTo(codec.encode(plain.withExtension(position(1, "e")).withExtension(null)));
        assertThat(format == WireFormat.MSGPACK ? bytes[0] : (byte) 0x86).isEqualTo((byte) 0x86); // fixmap of 6
        if (format == WireFormat.JSON) {
            assertThat(new String(bytes, StandardCharsets.UTF_8)).doesNotContain("tether");
        }
    }

    @ParameterizedTest
    @EnumSource(WireFormat.class)
    void anExtensionThatIsNotAMapMakesTheInputUnknown(WireFormat format) {
        PacketCodec codec = PacketCodecs.of(format);
        byte[] bytes = codec.encode(Packet.channel("chat", "hi").withExtension(Map.of("x", 1)));
        byte[] json = "{\"source\":2,\"channel\":\"c\",\"tether\":5}".getBytes(StandardCharsets.UTF_8);

        assertThat(codec.decode(bytes).source()).isEqualTo(PacketSource.CHANNEL);
        assertThat(PacketCodecs.json().decode(json).source()).isEqualTo(PacketSource.UNKNOWN);
    }
}
