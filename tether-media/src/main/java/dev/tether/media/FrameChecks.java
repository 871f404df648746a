package dev.tether.media;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** Validation shared by the frame records, and the value semantics of the two audio frames. */
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

    /** {@code url} without its trailing slashes, if it is an absolute http or https URL with a host. */
    static String baseUrl(String url, String name) {
        Objects.requireNonNull(url, name);
        String trimmed = url;
        while (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        try {
            URI uri = new URI(trimmed);
            String scheme = uri.getScheme();
            if (("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme))
                    && uri.getHost() != null
                    && uri.getRawQuery() == null
                    && uri.getRawFragment() == null) {
                return trimmed;
            }
        } catch (URISyntaxException e) {
            // falls through to the message below
        }
        throw new IllegalArgumentException(name + ": \"" + url + "\" (expected: an http or https URL)");
    }

    /**
     * Fails with pipecat's message when auto hang-up lacks what the provider's REST call needs; {@code namesAndValues}
     * alternates the parameter's wire name and its value, in the order the message lists them.
     */
    static void hangUpParameters(boolean autoHangUp, String... namesAndValues) {
        if (!autoHangUp) {
            return;
        }
        List<String> missing = new ArrayList<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            if (namesAndValues[i + 1].isEmpty()) {
                missing.add(namesAndValues[i]);
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException(
                    "auto_hang_up is enabled but missing required parameters: " + String.join(", ", missing));
        }
    }

    /** Checks the fields the two audio frames share. */
    static void audio(String name, byte[] audio, int sampleRate, int channels) {
        name(name);
        pcm(audio);
        sampleRate(sampleRate);
        channels(channels);
    }

    /** The audio frames' equality: by value, the samples included (a record compares arrays by reference). */
    static boolean sameAudio(
            long id,
            String name,
            byte[] audio,
            int sampleRate,
            int channels,
            @Nullable Long pts,
            long otherId,
            String otherName,
            byte[] otherAudio,
            int otherSampleRate,
            int otherChannels,
            @Nullable Long otherPts) {
        return id == otherId
                && name.equals(otherName)
                && Arrays.equals(audio, otherAudio)
                && sampleRate == otherSampleRate
                && channels == otherChannels
                && Objects.equals(pts, otherPts);
    }

    static int audioHash(long id, String name, byte[] audio, int sampleRate, int channels, @Nullable Long pts) {
        return Objects.hash(id, name, Arrays.hashCode(audio), sampleRate, channels, pts);
    }

    /** The audio frames' text: sizes, not samples. */
    static String audioString(
            String type, long id, String name, byte[] audio, int sampleRate, int channels, @Nullable Long pts) {
        return type + "{id=" + Long.toUnsignedString(id) + ", name=" + name + ", " + audio.length + " bytes, "
                + sampleRate + " Hz, " + channels + " ch" + (pts == null ? "" : ", pts=" + pts) + "}";
    }
}
