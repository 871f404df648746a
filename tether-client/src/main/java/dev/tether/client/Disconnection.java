package dev.tether.client;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * How a ready session ended.
 *
 * @param code the close code the server sent, or {@code 1006} when the socket closed without one (a drop, a
 *     missed pong, a read error)
 * @param reason the close reason the server sent, or a description of the local cause; never null
 * @param cause the local error that ended the session, if any (a read error, a missed pong)
 * @param lifetime how long the session was ready
 * @param willReconnect whether the connection is going to reconnect (it is already scheduled when the
 *     listener hears of it)
 */
public record Disconnection(
        int code, String reason, @Nullable Throwable cause, Duration lifetime, boolean willReconnect) {

    /** The close code for a connection that closed without a close frame (RFC 6455). */
    public static final int ABNORMAL_CLOSURE = 1006;
}
