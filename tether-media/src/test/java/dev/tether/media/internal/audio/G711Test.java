package dev.tether.media.internal.audio;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class G711Test {

    @Test
    void everyUlawCodeSurvivesDecodeAndEncodeExceptNegativeZero() {
        for (int code = 0; code < 256; code++) {
            byte[] back = G711.pcmToUlaw(G711.ulawToPcm(new byte[] {(byte) code}));
            // 0x7F is µ-law's negative zero: it decodes to 0, which G.711 encodes as the positive zero 0xFF.
            int expected = code == 0x7F ? 0xFF : code;
            assertThat(back[0] & 0xFF).as("code 0x%02X", code).isEqualTo(expected);
        }
    }

    @Test
    void everyAlawCodeSurvivesDecodeAndEncode() {
        for (int code = 0; code < 256; code++) {
            byte[] back = G711.pcmToAlaw(G711.alawToPcm(new byte[] {(byte) code}));
            assertThat(back[0] & 0xFF).as("code 0x%02X", code).isEqualTo(code);
        }
    }

    @Test
    void ulawDecodesToTheItuLevels() {
        assertThat(ulaw(0xFF)).isZero();
        assertThat(ulaw(0x7F)).isZero();
        assertThat(ulaw(0x00)).isEqualTo(-32124);
        assertThat(ulaw(0x80)).isEqualTo(32124);
        assertThat(ulaw(0xFE)).isEqualTo(8);
        assertThat(ulaw(0x7E)).isEqualTo(-8);
        assertThat(ulaw(0xEF)).isEqualTo(132); // the first step of segment 1 is 16
        assertThat(ulaw(0x8F)).isEqualTo(16764); // the first level of the top segment, steps of 1024
    }

    @Test
    void alawDecodesToTheItuLevels() {
        assertThat(alaw(0xD5)).isEqualTo(8);
        assertThat(alaw(0x55)).isEqualTo(-8);
        assertThat(alaw(0xAA)).isEqualTo(32256);
        assertThat(alaw(0x2A)).isEqualTo(-32256);
        assertThat(alaw(0xD4)).isEqualTo(24);
        assertThat(alaw(0xC5)).isEqualTo(264); // segment 1 starts at 256 with steps of 16
    }

    @Test
    void ulawDecodedLevelsAreSymmetricAndIncreasing() {
        int previous = Integer.MIN_VALUE;
        // Codes 0x00..0x7F are the negative half from -32124 up to 0, 0xFF..0x80 the positive half from 0 up.
        for (int code = 0x00; code <= 0x7F; code++) {
            assertThat(ulaw(code)).isGreaterThan(previous).isEqualTo(-ulaw(code | 0x80));
            previous = ulaw(code);
        }
    }

    @Test
    void fullScaleEncodesToTheLargestLevelWithoutOverflow() {
        byte[] pcm = samples(32767, -32768, -32767, 32124, -32124, 32256, -32256);

        assertThat(G711.ulawToPcm(G711.pcmToUlaw(pcm)))
                .isEqualTo(samples(32124, -32124, -32124, 32124, -32124, 32124, -32124));
        assertThat(G711.alawToPcm(G711.pcmToAlaw(pcm)))
                .isEqualTo(samples(32256, -32256, -32256, 32256, -32256, 32256, -32256));
        assertThat(G711.pcmToUlaw(samples(32767, -32768))).containsExactly((byte) 0x80, (byte) 0x00);
        assertThat(G711.pcmToAlaw(samples(32767, -32768))).containsExactly((byte) 0xAA, (byte) 0x2A);
    }

    @Test
    void encodingRoundsToTheNearestLevelWithinHalfAStep() {
        // Companding keeps the relative error near 3 %: every sample decodes back to within half the step of its
        // segment, which is about 1/32 of the segment's lowest magnitude, plus the bias near zero.
        for (int sample = -32124; sample <= 32124; sample++) {
            int ulawError = Math.abs(decodeOne(G711.ulawToPcm(G711.pcmToUlaw(samples(sample)))) - sample);
            int alawError = Math.abs(decodeOne(G711.alawToPcm(G711.pcmToAlaw(samples(sample)))) - sample);
            assertThat(ulawError).as("µ-law %d", sample).isLessThanOrEqualTo(Math.abs(sample) / 16 + 8);
            assertThat(alawError).as("A-law %d", sample).isLessThanOrEqualTo(Math.abs(sample) / 16 + 16);
        }
    }

    @Test
    void pcmIsLittleEndianAndATrailingOddByteIsIgnored() {
        byte[] pcm = {0x08, 0x00, 0x7F};

        assertThat(G711.pcmToAlaw(pcm)).containsExactly((byte) 0xD5);
        assertThat(G711.pcmToUlaw(pcm)).hasSize(1);
        assertThat(G711.alawToPcm(new byte[] {(byte) 0xD5})).containsExactly(0x08, 0x00);
        assertThat(G711.ulawToPcm(new byte[0])).isEmpty();
    }

    private static int ulaw(int code) {
        return decodeOne(G711.ulawToPcm(new byte[] {(byte) code}));
    }

    private static int alaw(int code) {
        return decodeOne(G711.alawToPcm(new byte[] {(byte) code}));
    }

    private static int decodeOne(byte[] pcm) {
        return (short) ((pcm[0] & 0xFF) | (pcm[1] << 8));
    }

    private static byte[] samples(int... values) {
        byte[] pcm = new byte[values.length * 2];
        for (int i = 0; i < values.length; i++) {
            pcm[2 * i] = (byte) values[i];
            pcm[2 * i + 1] = (byte) (values[i] >> 8);
        }
        return pcm;
    }
}
