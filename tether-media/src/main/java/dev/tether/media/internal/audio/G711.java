package dev.tether.media.internal.audio;

/**
 * Converts between G.711 µ-law or A-law bytes and linear PCM, bit-exact with the ITU-T G.191 reference
 * implementation of G.711. PCM is 16-bit signed little-endian bytes, one byte of G.711 per sample.
 *
 * <p>Every conversion is a table look-up (a 512-byte decode table and a 64 KiB encode table per law, built once);
 * the methods keep no state and are safe from any thread.
 */
public final class G711 {
    // Indexed by the code (0..255): the linear sample it stands for.
    private static final short[] ULAW_TO_LINEAR = new short[256];
    private static final short[] ALAW_TO_LINEAR = new short[256];
    // Indexed by the sample + 32768: its code. Tables instead of the segment search because these run for every
    // sample of every telephony call.
    private static final byte[] LINEAR_TO_ULAW = new byte[65536];
    private static final byte[] LINEAR_TO_ALAW = new byte[65536];

    static {
        for (int code = 0; code < 256; code++) {
            ULAW_TO_LINEAR[code] = (short) ulawExpand(code);
            ALAW_TO_LINEAR[code] = (short) alawExpand(code);
        }
        for (int sample = Short.MIN_VALUE; sample <= Short.MAX_VALUE; sample++) {
            LINEAR_TO_ULAW[sample + 32768] = (byte) ulawCompress(sample);
            LINEAR_TO_ALAW[sample + 32768] = (byte) alawCompress(sample);
        }
    }

    private G711() {}

    /** Decodes µ-law bytes to PCM, two bytes per code. The two zero codes, 0x7F and 0xFF, both decode to 0. */
    public static byte[] ulawToPcm(byte[] ulaw) {
        return decode(ulaw, ULAW_TO_LINEAR);
    }

    /**
     * Encodes PCM to µ-law, one byte per sample; a trailing odd byte is ignored. Magnitudes above 32124, the
     * largest µ-law level, encode as that level.
     */
    public static byte[] pcmToUlaw(byte[] pcm) {
        return encode(pcm, LINEAR_TO_ULAW);
    }

    /** Decodes A-law bytes to PCM, two bytes per code. */
    public static byte[] alawToPcm(byte[] alaw) {
        return decode(alaw, ALAW_TO_LINEAR);
    }

    /**
     * Encodes PCM to A-law, one byte per sample; a trailing odd byte is ignored. Magnitudes above 32256, the
     * largest A-law level, encode as that level.
     */
    public static byte[] pcmToAlaw(byte[] pcm) {
        return encode(pcm, LINEAR_TO_ALAW);
    }

    private static byte[] decode(byte[] codes, short[] table) {
        byte[] pcm = new byte[codes.length * 2];
        for (int i = 0; i < codes.length; i++) {
            short sample = table[codes[i] & 0xFF];
            pcm[2 * i] = (byte) sample;
            pcm[2 * i + 1] = (byte) (sample >> 8);
        }
        return pcm;
    }

    private static byte[] encode(byte[] pcm, byte[] table) {
        byte[] codes = new byte[pcm.length / 2];
        for (int i = 0; i < codes.length; i++) {
            int sample = (pcm[2 * i] & 0xFF) | (pcm[2 * i + 1] << 8);
            codes[i] = table[sample + 32768];
        }
        return codes;
    }

    // The four functions below follow G.191's g711.c (ulaw_compress, ulaw_expand, alaw_compress, alaw_expand),
    // including its one's complement of negative samples, so that codes match other G.711 implementations bit
    // for bit. They only fill the tables.

    static int ulawCompress(int sample) {
        // 14-bit magnitude plus the bias of 33 that makes the segments start at powers of two.
        int magnitude = (sample < 0 ? ~sample : sample) >> 2;
        magnitude = Math.min(magnitude + 33, 0x1FFF);
        int segment = 1;
        for (int i = magnitude >> 6; i != 0; i >>= 1) {
            segment++;
        }
        int highNibble = 8 - segment;
        int lowNibble = 0x0F - ((magnitude >> segment) & 0x0F);
        int code = (highNibble << 4) | lowNibble;
        return sample >= 0 ? code | 0x80 : code;
    }

    static int ulawExpand(int code) {
        int sign = code < 0x80 ? -1 : 1;
        int inverted = ~code;
        int exponent = (inverted >> 4) & 0x07;
        int mantissa = inverted & 0x0F;
        int step = 4 << (exponent + 1);
        return sign * ((0x80 << exponent) + step * mantissa + step / 2 - 4 * 33);
    }

    static int alawCompress(int sample) {
        // 12-bit magnitude; segment 0 and 1 share a step size, every further segment doubles it.
        int magnitude = (sample < 0 ? ~sample : sample) >> 4;
        if (magnitude > 15) {
            int exponent = 1;
            while (magnitude > 16 + 15) {
                magnitude >>= 1;
                exponent++;
            }
            magnitude = magnitude - 16 + (exponent << 4);
        }
        int code = sample >= 0 ? magnitude | 0x80 : magnitude;
        // Even bits inverted, as transmitted on the line.
        return code ^ 0x55;
    }

    static int alawExpand(int code) {
        int bits = (code ^ 0x55) & 0x7F;
        int exponent = bits >> 4;
        int mantissa = bits & 0x0F;
        if (exponent > 0) {
            mantissa += 16;
        }
        mantissa = (mantissa << 4) + 8;
        if (exponent > 1) {
            mantissa <<= exponent - 1;
        }
        return code > 0x7F ? mantissa : -mantissa;
    }
}
