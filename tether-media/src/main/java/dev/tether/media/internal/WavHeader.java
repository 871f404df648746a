package dev.tether.media.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** A RIFF/WAVE container around PCM s16le samples: the 44-byte canonical header, then the samples. */
public final class WavHeader {
    /** The header's length. */
    public static final int BYTES = 44;

    private WavHeader() {}

    /** {@code pcm} (16-bit little-endian, channels interleaved) as a WAV file of {@code sampleRate} and {@code channels}. */
    public static byte[] wrap(byte[] pcm, int sampleRate, int channels) {
        int blockAlign = channels * 2;
        ByteBuffer out = ByteBuffer.allocate(BYTES + pcm.length).order(ByteOrder.LITTLE_ENDIAN);
        out.put(new byte[] {'R', 'I', 'F', 'F'})
                .putInt(36 + pcm.length)
                .put(new byte[] {'W', 'A', 'V', 'E', 'f', 'm', 't', ' '})
                .putInt(16) // fmt chunk size
                .putShort((short) 1) // PCM
                .putShort((short) channels)
                .putInt(sampleRate)
                .putInt(sampleRate * blockAlign) // byte rate
                .putShort((short) blockAlign)
                .putShort((short) 16) // bits per sample
                .put(new byte[] {'d', 'a', 't', 'a'})
                .putInt(pcm.length)
                .put(pcm);
        return out.array();
    }
}
