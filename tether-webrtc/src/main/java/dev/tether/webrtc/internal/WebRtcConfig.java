package dev.tether.webrtc.internal;

import static dev.tether.webrtc.WebRtcSettings.CONNECTING_TIMEOUT;
import static dev.tether.webrtc.WebRtcSettings.CONNECTION_MODE;
import static dev.tether.webrtc.WebRtcSettings.CORS_ORIGINS;
import static dev.tether.webrtc.WebRtcSettings.DATA_CHANNEL_TIMEOUT;
import static dev.tether.webrtc.WebRtcSettings.ESP32_HOST;
import static dev.tether.webrtc.WebRtcSettings.ESP32_MODE;
import static dev.tether.webrtc.WebRtcSettings.ICE_GATHERING_TIMEOUT;
import static dev.tether.webrtc.WebRtcSettings.MAX_CONNECTIONS;
import static dev.tether.webrtc.WebRtcSettings.MAX_QUEUED_MESSAGES;
import static dev.tether.webrtc.WebRtcSettings.THREADS;

import dev.tether.core.SettingValues;
import dev.tether.webrtc.ConnectionMode;
import java.time.Duration;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** The WebRTC settings as the handler reads them, read once. */
public record WebRtcConfig(
        ConnectionMode connectionMode,
        boolean esp32Mode,
        @Nullable String esp32Host,
        Duration connectingTimeout,
        Duration dataChannelTimeout,
        int maxQueuedMessages,
        Duration iceGatheringTimeout,
        int maxConnections,
        Set<String> corsOrigins,
        int threads) {

    public static WebRtcConfig of(SettingValues s) {
        return new WebRtcConfig(
                s.get(CONNECTION_MODE),
                s.get(ESP32_MODE),
                s.get(ESP32_HOST),
                s.get(CONNECTING_TIMEOUT),
                s.get(DATA_CHANNEL_TIMEOUT),
                s.get(MAX_QUEUED_MESSAGES),
                s.get(ICE_GATHERING_TIMEOUT),
                s.get(MAX_CONNECTIONS),
                s.get(CORS_ORIGINS),
                s.get(THREADS));
    }
}
