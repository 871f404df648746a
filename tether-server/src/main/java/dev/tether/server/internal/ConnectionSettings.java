package dev.tether.server.internal;

import dev.tether.server.OverflowPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * The limits of the connections of one endpoint, as the connection's rooms read them: from the server's settings
 * for the webshocket endpoint, from a {@link dev.tether.server.WebSocketEndpoint} and the server's settings for a
 * raw one.
 *
 * @param lowWaterMarkBytes below this, a connection that was not writable is writable again
 * @param highWaterMarkBytes above this, a connection reports it is not writable
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
        List<String> subprotocols) {}
