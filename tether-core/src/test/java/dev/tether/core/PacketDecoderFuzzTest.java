package dev.tether.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Coverage-guided fuzzing of both packet decoders (docs/fuzzing.md). A normal build replays the corpus under
 * {@code PacketDecoderFuzzTestInputs/}; {@code scripts/fuzz.sh} fuzzes each method for as long as it is given.
 *
 * <p>For any bytes, decoding returns: input that is not a packet is an UNKNOWN packet holding the input, and
 * anything that decodes as a packet encodes again, to bytes that decode and encode to the same bytes (the decoded
 * value model is closed under the codec). In MessagePack, which has a type for every decoded value, the packet
 * also comes back with the same values of the same types.
 */
class PacketDecoderFuzzTest {
    private static final HexFormat HEX = HexFormat.of();

    @FuzzTest
    void msgpackDecodingNeverThrowsAndReencodes(byte[] input) {
        PacketCodec codec = PacketCodecs.msgpack();
        Packet packet = assertDecodesAndReencodes(codec, input);

        Packet again = codec.decode(codec.encode(packet));
        assertThat(canonical(again.data())).isEqualTo(canonical(packet.data()));
        assertThat(canonical(again.extension())).isEqualTo(canonical(packet.extension()));
    }

    @FuzzTest
    void jsonDecodingNeverThrowsAndReencodes(byte[] input) {
        assertDecodesAndReencodes(PacketCodecs.json(), input);
    }

    private static Packet assertDecodesAndReencodes(PacketCodec codec, byte[] input) {
        Packet packet = codec.decode(input);

        byte[] encoded = codec.encode(packet);
        byte[] again = codec.encode(codec.decode(encoded));
        assertThat(again).as("re-encoding of %s", packet).isEqualTo(encoded);
        return packet;
    }

    /** A value as comparable text: its type and value, byte arrays as hex, map keys too. */
    private static Object canonical(@Nullable Object value) {
        if (value == null) {
            return "null";
        } else if (value instanceof byte[] bytes) {
            return "bin:" + HEX.formatHex(bytes);
        } else if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>();
            list.forEach(element -> out.add(canonical(element)));
            return out;
        } else if (value instanceof Map<?, ?> map) {
            List<Object> out = new ArrayList<>();
            map.forEach((k, v) -> out.add(List.of(canonical(k), canonical(v))));
            return out;
        }
        return value.getClass().getSimpleName() + ":" + value;
    }
}
