package dev.tether.server.internal;

import dev.tether.server.Authenticator;
import dev.tether.server.InboundRateAction;
import dev.tether.server.OverflowPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The limits of the connections of one endpoint, as the connection's rooms read them: from the server's settings
 * for the webshocket endpoint, from a {@link dev.tether.server.WebSocketEndpoint} and the server's settings for a
 * raw one.
 *
 * @param lowWaterMarkBytes below this, a connection that was not writable is writable again
 * @param highWaterMarkBytes above this, a connection reports it is not writable
 * @param allowedOrigins in lower case; empty allows every origin
 * @param originRequired whether a request without {@code Origin} is refused when {@code allowedOrigins} is set
 * @param authenticator what decides on an upgrade before its session exists; {@code null} lets everyone in,
 *     anonymous
 * @param maxInboundMessagesPerSecond 0 for no limit
 * @param maxInboundBytesPerSecond 0 for no limit
 */
record ConnectionSettings(
        int maxFrameBytes,
        int maxMessageBytes,
        long maxQueuedBytes,
        OverflowPolicy overflowPolicy,
        long lowWaterMarkBytes,
        long highWaterMarkBytes,
        Duration pingInterval,
        Duration idleTimeout,
        Duration closeTimeout,
        boolean perMessageDeflate,
        Set<String> allowedOrigins,
        boolean originRequired,
        List<String> subprotocols,
        @Nullable Authenticator authenticator,
        int maxInboundMessagesPerSecond,
        long maxInboundBytesPerSecond,
        InboundRateAction inboundRateAction) {

    /** Origins compare without regard to case (RFC 6454 serializes scheme and host in lower case). */
    static Set<String> lowerCase(Set<String> origins) {
        return origins.stream().map(o -> o.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
    }
}
