package dev.tether.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing of both packet decoders (docs/fuzzing.md). A normal build replays the corpus under
 * {@code PacketDecoderFuzzTestInputs/}; {@code scripts/fuzz.sh} fuzzes each method for as long as it is given.
 *
 * <p>For any bytes, decoding returns: input that is not a packet is an UNKNOWN packet holding the input, and
 * anything that decodes as a packet encodes again, to bytes that decode and encode to the same bytes (the decoded
 * value model is closed under the codec).
 */
class PacketDecoderFuzzTest {

    @FuzzTest
    void msgpackDecodingNeverThrowsAndReencodes(byte[] input) {
        assertDecodesAndReencodes(PacketCodecs.msgpack(), input);
    }

    @FuzzTest
    void jsonDecodingNeverThrowsAndReencodes(byte[] input) {
        assertDecodesAndReencodes(PacketCodecs.json(), input);
    }

    private static void assertDecodesAndReencodes(PacketCodec codec, byte[] input) {
        Packet packet = codec.decode(input);

        byte[] encoded = codec.encode(packet);
        byte[] again = codec.encode(codec.decode(encoded));
        assertThat(again).as("re-encoding of %s", packet).isEqualTo(encoded);
    }
}
