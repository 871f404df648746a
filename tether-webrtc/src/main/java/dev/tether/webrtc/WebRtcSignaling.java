package dev.tether.webrtc;

import static dev.tether.webrtc.WebRtcSettings.CONNECTION_MODE;
import static dev.tether.webrtc.WebRtcSettings.ESP32_HOST;
import static dev.tether.webrtc.WebRtcSettings.ESP32_MODE;
import static dev.tether.webrtc.WebRtcSettings.ICE_SERVERS;

import dev.tether.core.Setting;
import dev.tether.core.SettingValues;
import dev.tether.media.MediaHandler;
import dev.tether.media.MediaSettings;
import dev.tether.server.HttpEndpoint;
import dev.tether.server.TetherServer;
import dev.tether.server.spi.MeterSource;
import dev.tether.webrtc.internal.Esp32Sdp;
import dev.tether.webrtc.internal.Routes;
import dev.tether.webrtc.internal.Signaling;
import dev.tether.webrtc.internal.WebRtcConfig;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A voice bot reachable over WebRTC: pipecat's SmallWebRTC signaling over HTTP, with a server-side peer connection per
 * client whose audio and data channel reach a {@link MediaHandler}, like a WebSocket client of a
 * {@code MediaEndpoint}.
 *
 * <pre>{@code
 * WebRtcSignaling webrtc = WebRtcSignaling.builder(new VoiceBot())
 *         .iceServers(IceServers.parse(System.getenv(IceServers.ENV)))
 *         .build();
 * TetherServer server = webrtc.mount(TetherServer.builder().port(7860)).build().start();
 * // ...
 * server.close();   // closes webrtc too: peerLeft to every client, then every peer connection closed
 * }</pre>
 *
 * <p>A session: the client posts its offer; the answer comes back with the server's candidates, and
 * {@link MediaHandler#onConnect} runs. Audio from the client's microphone reaches {@link MediaHandler#onFrame} as
 * {@code AudioInFrame}s at {@code audioInSampleRate} (16 kHz mono by default), its data-channel messages as
 * {@code TransportMessageFrame}s (RTVI {@code client-ready} is answered with {@code bot-ready}). The bot's
 * {@code AudioOutFrame}s are paced in 10 ms frames into the peer connection's audio track (48 kHz mono, resampled
 * from 8, 16, 24 or 48 kHz), its {@code TransportMessageFrame}s go to the data channel; other frames have no form on
 * WebRTC and are not sent. {@code EndFrame} and {@code CancelFrame} close the peer connection. The session's
 * {@code id()} is the UUID in the connection's {@code pc_id}; its offer's {@code request_data} is the attribute
 * {@value #REQUEST_DATA}.
 *
 * <p>Threads: offers and candidates are handled on one thread of the handler's, never on a Netty event loop; each
 * session's callbacks run on one of the handler's session threads, in order, and must not block. Settings are in
 * {@link WebRtcSettings} and, for the media side, {@link MediaSettings}; {@code docs/webrtc.md} lists them.
 *
 * <p>Meters: when the server it is mounted on ({@link #mount}, or {@code closeWith} it yourself) has a registry, the
 * handler registers {@code tether.webrtc.*} and its sessions' {@code tether.media.*} ({@code endpoint=webrtc}) there
 * when the server starts; {@code docs/operations.md} lists them.
 */
public final class WebRtcSignaling implements AutoCloseable, MeterSource {
    /** The session attribute holding the offer's {@code request_data} (a Jackson {@code JsonNode}), when it had one. */
    public static final String REQUEST_DATA = "tether.webrtc.requestData";

    /** Media settings that a WebRTC session fixes itself: serializer, chunking, client admission, WebSocket closes. */
    private static final Set<Setting<?>> FIXED_MEDIA = Set.of(
            MediaSettings.SERIALIZER,
            MediaSettings.CLIENT_MODE,
            MediaSettings.ADD_WAV_HEADER,
            MediaSettings.AUDIO_OUT_10MS_CHUNKS,
            MediaSettings.AUDIO_OUT_SAMPLE_RATE,
            MediaSettings.AUDIO_OUT_CHANNELS,
            MediaSettings.ALLOWED_ORIGINS,
            MediaSettings.TOKENS,
            MediaSettings.CLOSE_TIMEOUT);

    private final Signaling signaling;
    private final Routes routes;

    private WebRtcSignaling(Signaling signaling) {
        this.signaling = signaling;
        this.routes = new Routes(signaling);
    }

    /** A builder for a signaling handler whose sessions go to {@code handler}. */
    public static Builder builder(MediaHandler handler) {
        return new Builder(Objects.requireNonNull(handler, "handler"));
    }

    /**
     * Mounts the routes of pipecat's development runner on {@code server}: {@code POST/PATCH /api/offer},
     * {@code POST /start}, {@code /sessions/{id}/...} and {@code GET /status}; closing the server then closes this.
     */
    public TetherServer.Builder mount(TetherServer.Builder server) {
        return server.closeWith(this)
                .httpEndpoint("/api/offer", routes.withCors(routes.offer()))
                .httpEndpoint("/start", routes.withCors(routes.start()))
                .httpEndpoint("/sessions/*", routes.withCors(routes.sessions()))
                .httpEndpoint("/status", routes.withCors(routes.status()));
    }

    /** The offer route alone ({@code POST} an offer, {@code PATCH} candidates), to mount on a path of your own. */
    public HttpEndpoint offerEndpoint() {
        return routes.withCors(routes.offer());
    }

    /** Replaces the ICE servers of the connections made from now on; existing ones keep theirs. Any thread. */
    public void iceServers(List<IceServer> servers) {
        signaling.iceServers(servers);
    }

    /** The peer connections held now. */
    public int connections() {
        return signaling.connections();
    }

    /** Registers the meters in the server's registry when it starts; the server calls it (see {@link MeterSource}). */
    @Override
    public Collection<Meter> bindTo(MeterRegistry registry) {
        return signaling.bindTo(registry);
    }

    /**
     * Says {@code peerLeft} on every data channel, closes every peer connection, waits for them to be released (at
     * most 5 s) and stops the WebRTC engine. Blocks; call it after the server stopped taking requests.
     */
    @Override
    public void close() {
        signaling.close(Duration.ofSeconds(5));
    }

    /** Collects the settings; each is checked when set. Not thread-safe. */
    public static final class Builder {
        private final MediaHandler handler;
        private final SettingValues.Builder values = WebRtcSettings.ALL.defaults();
        private final SettingValues.Builder media = MediaSettings.ALL.defaults();
        private PeerListener listener = PeerListener.NONE;

        private Builder(MediaHandler handler) {
            this.handler = handler;
        }

        /**
         * Sets any of {@link WebRtcSettings}, or of {@link MediaSettings} that a WebRTC session reads (audio in,
         * {@code audioOutEnabled}, queue bounds, session timeout, RTVI, clock).
         */
        public <T> Builder set(Setting<T> setting, T value) {
            if (WebRtcSettings.ALL.contains(setting)) {
                values.set(setting, value);
            } else if (MediaSettings.ALL.contains(setting) && !FIXED_MEDIA.contains(setting)) {
                media.set(setting, value);
            } else {
                throw new IllegalArgumentException("setting: " + setting.name()
                        + " (expected: one of WebRtcSettings, or a MediaSettings one a" + " WebRTC session reads)");
            }
            return this;
        }

        /** See {@link WebRtcSettings#ICE_SERVERS}. */
        public Builder iceServers(List<IceServer> iceServers) {
            return set(ICE_SERVERS, iceServers);
        }

        /** See {@link WebRtcSettings#CORS_ORIGINS}: pages on these origins may call the routes from a browser. */
        public Builder corsOrigins(Set<String> origins) {
            return set(WebRtcSettings.CORS_ORIGINS, origins);
        }

        /** See {@link WebRtcSettings#CONNECTION_MODE}. */
        public Builder connectionMode(ConnectionMode connectionMode) {
            return set(CONNECTION_MODE, connectionMode);
        }

        /** ESP32 mode ({@link WebRtcSettings#ESP32_MODE}) with the address the device reaches the server at. */
        public Builder esp32(String host) {
            Esp32Sdp.checkHost(host);
            return set(ESP32_MODE, true).set(ESP32_HOST, host);
        }

        /** See {@link MediaSettings#AUDIO_IN_SAMPLE_RATE}: 8000, 16000, 24000 or 48000. */
        public Builder audioInSampleRate(int audioInSampleRate) {
            return set(MediaSettings.AUDIO_IN_SAMPLE_RATE, checkRate(audioInSampleRate));
        }

        private static int checkRate(int rate) {
            if (rate != 8000 && rate != 16000 && rate != 24000 && rate != 48000) {
                throw new IllegalArgumentException(
                        "audioInSampleRate: " + rate + " (expected: one of 8000, 16000, 24000, 48000)");
            }
            return rate;
        }

        /** The peer connections' own events. */
        public Builder listener(PeerListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        public WebRtcSignaling build() {
            SettingValues settings = values.build();
            if (settings.get(ESP32_MODE)) {
                Esp32Sdp.checkHost(settings.get(ESP32_HOST));
            }
            checkRate(media.get(MediaSettings.AUDIO_IN_SAMPLE_RATE));
            media.set(MediaSettings.AUDIO_OUT_10MS_CHUNKS, 1).set(MediaSettings.AUDIO_OUT_SAMPLE_RATE, 48_000);
            return new WebRtcSignaling(new Signaling(
                    handler, listener, settings.get(ICE_SERVERS), WebRtcConfig.of(settings), media.build()));
        }
    }
}
