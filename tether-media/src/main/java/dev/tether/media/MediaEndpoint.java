package dev.tether.media;

import static dev.tether.media.MediaSettings.*;

import dev.tether.core.Checks;
import dev.tether.core.Clock;
import dev.tether.core.Setting;
import dev.tether.core.SettingValues;
import dev.tether.media.internal.MediaListener;
import dev.tether.server.WebSocketEndpoint;
import java.time.Duration;
import java.util.Collection;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Mounts a voice bot on a WebSocket path of a Tether server: frames in through the serializer to the
 * {@link MediaHandler}, frames out through {@link MediaSession#write}, paced like a sound card.
 *
 * <pre>{@code
 * TetherServer server = TetherServer.builder()
 *         .port(8765)
 *         .webSocket(MediaEndpoint.builder("/ws-client", new VoiceBot())
 *                 .serializer(FrameSerializers::protobuf)   // one per connection
 *                 .sessionTimeout(Duration.ofMinutes(5))
 *                 .build())
 *         .build()
 *         .start();
 * }</pre>
 *
 * <p>{@link Builder#build()} makes a {@link WebSocketEndpoint} to hand to {@code TetherServer.Builder.webSocket}; its
 * state (the connected client of a single-client mode) belongs to that endpoint, so mount it on one server. Each
 * setting is declared in {@link MediaSettings}; {@code docs/media.md} lists them.
 */
public final class MediaEndpoint {
    private MediaEndpoint() {}

    /** A builder for a media endpoint at {@code path} (starting with {@code /}) whose sessions go to {@code handler}. */
    public static Builder builder(String path, MediaHandler handler) {
        Checks.notEmpty(path, "path");
        if (!path.startsWith("/") || (path.length() > 1 && path.endsWith("/"))) {
            throw new IllegalArgumentException(
                    "path: '" + path + "' (expected: starting with / and not ending with /)");
        }
        return new Builder(path, Objects.requireNonNull(handler, "handler"), ALL.defaults());
    }

    /** Collects a media endpoint's settings; each is checked when set. Not thread-safe. */
    public static final class Builder {
        private final String path;
        private final MediaHandler handler;
        private final SettingValues.Builder values;

        private Builder(String path, MediaHandler handler, SettingValues.Builder values) {
            this.path = path;
            this.handler = handler;
            this.values = values;
        }

        /** Sets any of {@link MediaSettings}, checked against its declaration. */
        public <T> Builder set(Setting<T> setting, T value) {
            values.set(setting, value);
            return this;
        }

        /** See {@link MediaSettings#SERIALIZER}: called once per connection. */
        public Builder serializer(Supplier<? extends FrameSerializer> serializer) {
            return set(SERIALIZER, Objects.requireNonNull(serializer, "serializer"));
        }

        /** See {@link MediaSettings#CLIENT_MODE}. */
        public Builder clientMode(ClientMode clientMode) {
            return set(CLIENT_MODE, clientMode);
        }

        /** See {@link MediaSettings#ADD_WAV_HEADER}. */
        public Builder addWavHeader(boolean addWavHeader) {
            return set(ADD_WAV_HEADER, addWavHeader);
        }

        /** See {@link MediaSettings#AUDIO_OUT_ENABLED}. */
        public Builder audioOutEnabled(boolean audioOutEnabled) {
            return set(AUDIO_OUT_ENABLED, audioOutEnabled);
        }

        /** See {@link MediaSettings#AUDIO_OUT_SAMPLE_RATE}. */
        public Builder audioOutSampleRate(int audioOutSampleRate) {
            return set(AUDIO_OUT_SAMPLE_RATE, audioOutSampleRate);
        }

        /** See {@link MediaSettings#AUDIO_OUT_CHANNELS}. */
        public Builder audioOutChannels(int audioOutChannels) {
            return set(AUDIO_OUT_CHANNELS, audioOutChannels);
        }

        /** See {@link MediaSettings#AUDIO_OUT_10MS_CHUNKS}. */
        public Builder audioOut10msChunks(int audioOut10msChunks) {
            return set(AUDIO_OUT_10MS_CHUNKS, audioOut10msChunks);
        }

        /** See {@link MediaSettings#AUDIO_IN_ENABLED}. */
        public Builder audioInEnabled(boolean audioInEnabled) {
            return set(AUDIO_IN_ENABLED, audioInEnabled);
        }

        /** See {@link MediaSettings#AUDIO_IN_SAMPLE_RATE}. */
        public Builder audioInSampleRate(int audioInSampleRate) {
            return set(AUDIO_IN_SAMPLE_RATE, audioInSampleRate);
        }

        /** See {@link MediaSettings#SESSION_TIMEOUT}; {@code 0} means none. */
        public Builder sessionTimeout(Duration sessionTimeout) {
            return set(SESSION_TIMEOUT, sessionTimeout);
        }

        /** See {@link MediaSettings#ALLOWED_ORIGINS}; empty allows every origin. */
        public Builder allowedOrigins(Collection<String> origins) {
            return set(ALLOWED_ORIGINS, Set.copyOf(origins));
        }

        /** See {@link MediaSettings#TOKENS}: requires a token from {@code tokens} on every connection. */
        public Builder tokens(MediaTokens tokens) {
            return set(TOKENS, Objects.requireNonNull(tokens, "tokens"));
        }

        /** See {@link MediaSettings#RTVI}. */
        public Builder rtvi(boolean rtvi) {
            return set(RTVI, rtvi);
        }

        /** See {@link MediaSettings#MAX_QUEUED_AUDIO}. */
        public Builder maxQueuedAudio(Duration maxQueuedAudio) {
            return set(MAX_QUEUED_AUDIO, maxQueuedAudio);
        }

        /** See {@link MediaSettings#MAX_QUEUED_FRAMES}. */
        public Builder maxQueuedFrames(int maxQueuedFrames) {
            return set(MAX_QUEUED_FRAMES, maxQueuedFrames);
        }

        /** See {@link MediaSettings#CLOSE_TIMEOUT}. */
        public Builder closeTimeout(Duration closeTimeout) {
            return set(CLOSE_TIMEOUT, closeTimeout);
        }

        /** See {@link MediaSettings#CLOCK}. */
        public Builder clock(Clock clock) {
            return set(CLOCK, clock);
        }

        /**
         * The endpoint to mount with {@code TetherServer.Builder.webSocket}. With {@link #tokens} it also takes the
         * paths below its own ({@code /ws-client/{token}}) and checks the origin itself (a refusal is a 4003 close);
         * without, the server refuses a bad origin with 403 at the handshake.
         */
        public WebSocketEndpoint build() {
            SettingValues settings = values.build();
            MediaListener listener = new MediaListener(path, handler, settings);
            WebSocketEndpoint.Builder endpoint =
                    WebSocketEndpoint.builder(path, listener).closeTimeout(settings.get(CLOSE_TIMEOUT));
            if (settings.get(TOKENS) != null) {
                endpoint.prefix(true);
            } else if (!settings.get(ALLOWED_ORIGINS).isEmpty()) {
                endpoint.allowedOrigins(settings.get(ALLOWED_ORIGINS)).originRequired(true);
            }
            return endpoint.build();
        }
    }
}
