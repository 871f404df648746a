package dev.tether.media;

import org.jspecify.annotations.Nullable;

/**
 * Audio from the client: what a microphone or a caller's phone sent, decoded to PCM.
 *
 * <p>{@code audio} is 16-bit signed little-endian PCM, channels interleaved; the array is not copied, so the
 * frame's owner must not change it after handing it on. {@code pts} is the presentation timestamp when the
 * sender gave one.
 */
public record AudioInFrame(
        long id,
        String name,
        byte[] audio,
        int sampleRate,
        int channels,
        @Nullable Long pts) implements MediaFrame {

    public AudioInFrame {
        FrameChecks.audio(name, audio, sampleRate, channels);
    }

    /** A frame with no id, name or timestamp. */
    public AudioInFrame(byte[] audio, int sampleRate, int channels) {
        this(0, "", audio, sampleRate, channels, null);
    }

    /** The number of samples per channel. */
    public int frames() {
        return audio.length / (2 * channels);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof AudioInFrame that
                && FrameChecks.sameAudio(
                        id,
                        name,
                        audio,
                        sampleRate,
                        channels,
                        pts,
                        that.id,
                        that.name,
                        that.audio,
                        that.sampleRate,
                        that.channels,
                        that.pts);
    }

    @Override
    public int hashCode() {
        return FrameChecks.audioHash(id, name, audio, sampleRate, channels, pts);
    }

    @Override
    public String toString() {
        return FrameChecks.audioString("AudioInFrame", id, name, audio, sampleRate, channels, pts);
    }
}
