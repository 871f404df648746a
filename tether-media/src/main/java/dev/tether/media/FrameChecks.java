package dev.tether.media;

import java.util.Objects;

/** Validation shared by the frame records. */
final class FrameChecks {
    private FrameChecks() {}

    static String name(String name) {
        return Objects.requireNonNull(name, "name");
    }

    static int sampleRate(int sampleRate) {
        if (sampleRate <= 0) {
            throw new IllegalArgumentException("sampleRate: " + sampleRate + " (expected: > 0)");
        }
        return sampleRate;
    }

    static int channels(int channels) {
        if (channels <= 0) {
            throw new IllegalArgumentException("channels: " + channels + " (expected: > 0)");
        }
        return channels;
    }

    static byte[] pcm(byte[] audio) {
        Objects.requireNonNull(audio, "audio");
        if ((audio.length & 1) != 0) {
            throw new IllegalArgumentException(
                    "audio: " + audio.length + " bytes (expected: an even length, 16-bit samples)");
        }
        return audio;
    }
}
