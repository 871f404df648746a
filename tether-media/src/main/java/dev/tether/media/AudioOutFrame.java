package dev.tether.media;

import java.util.Arrays;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Audio to the client: what the bot says. The transport cuts it into chunks and paces them like a sound card.
 *
 * <p>{@code audio} is 16-bit signed little-endian PCM, channels interleaved; the array is not copied, so the
 * frame's owner must not change it after handing it on. {@code pts} is the presentation timestamp when the
 * sender gave one.
 */
public record AudioOutFrame(
        long id,
        String name,
        byte[] audio,
        int sampleRate,
        int channels,
        @Nullable Long pts) implements MediaFrame {

    public AudioOutFrame {
        FrameChecks.name(name);
        FrameChecks.pcm(audio);
        FrameChecks.sampleRate(sampleRate);
        FrameChecks.channels(channels);
    }

    /** A frame with no id, name or timestamp. */
    public AudioOutFrame(byte[] audio, int sampleRate, int channels) {
        this(0, "", audio, sampleRate, channels, null);
    }

    /** The number of samples per channel. */
    public int frames() {
        return audio.length / (2 * channels);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof AudioOutFrame that
                && id == that.id
                && name.equals(that.name)
                && Arrays.equals(audio, that.audio)
                && sampleRate == that.sampleRate
                && channels == that.channels
                && Objects.equals(pts, that.pts);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, name, Arrays.hashCode(audio), sampleRate, channels, pts);
    }

    @Override
    public String toString() {
        return "AudioOutFrame{id=" + Long.toUnsignedString(id) + ", name=" + name + ", " + audio.length + " bytes, "
                + sampleRate + " Hz, " + channels + " ch" + (pts == null ? "" : ", pts=" + pts) + "}";
    }
}
