package dev.tether.media.internal;

import static dev.tether.media.MediaSettings.*;

import dev.tether.core.Clock;
import dev.tether.core.SettingValues;
import dev.tether.media.ClientMode;
import dev.tether.media.FrameSerializer;
import dev.tether.media.MediaRates;
import dev.tether.media.MediaTokens;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/** A media endpoint's settings as its connections read them, read once from the {@link SettingValues}. */
public record MediaConfig(
        @Nullable Supplier<? extends FrameSerializer> serializer,
        ClientMode clientMode,
        boolean addWavHeader,
        boolean audioOutEnabled,
        int audioOut10msChunks,
        boolean audioInEnabled,
        MediaRates rates,
        long sessionTimeoutNanos,
        Set<String> allowedOrigins,
        @Nullable MediaTokens tokens,
        boolean rtvi,
        long maxQueuedAudioNanos,
        int maxQueuedFrames,
        Duration closeTimeout,
        Clock clock) {

    public static MediaConfig of(SettingValues s) {
        return new MediaConfig(
                s.get(SERIALIZER),
                s.get(CLIENT_MODE),
                s.get(ADD_WAV_HEADER),
                s.get(AUDIO_OUT_ENABLED),
                s.get(AUDIO_OUT_10MS_CHUNKS),
                s.get(AUDIO_IN_ENABLED),
                new MediaRates(s.get(AUDIO_IN_SAMPLE_RATE), s.get(AUDIO_OUT_SAMPLE_RATE)),
                s.get(SESSION_TIMEOUT).toNanos(),
                s.get(ALLOWED_ORIGINS).stream()
                        .map(o -> o.toLowerCase(Locale.ROOT))
                        .collect(Collectors.toUnmodifiableSet()),
                s.get(TOKENS),
                s.get(RTVI),
                s.get(MAX_QUEUED_AUDIO).toNanos(),
                s.get(MAX_QUEUED_FRAMES),
                s.get(CLOSE_TIMEOUT),
                s.get(CLOCK));
    }
}
