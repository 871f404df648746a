package dev.tether.testing;

import java.nio.charset.StandardCharsets;

/**
 * A CLOSE frame received by {@link TestWebSocketClient}.
 *
 * @param code the status code; {@link #NO_STATUS} (1005) for an empty payload, {@code -1} for a one-byte
 *     payload (which no correct peer sends)
 * @param reason the reason decoded as UTF-8, empty when none
 * @param payload the raw payload
 */
@SuppressWarnings("ArrayRecordComponent") // raw bytes as received
public record CloseFrame(int code, String reason, byte[] payload) {

    /** The code reported for a close frame without a payload (RFC 6455 section 7.1.5). */
    public static final int NO_STATUS = 1005;

    /** Parses a close frame's payload. */
    public static CloseFrame parse(byte[] payload) {
        if (payload.length == 0) {
            return new CloseFrame(NO_STATUS, "", payload);
        }
        if (payload.length == 1) {
            return new CloseFrame(-1, "", payload);
        }
        int code = ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
        return new CloseFrame(code, new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8), payload);
    }

    @Override
    public String toString() {
        return "CloseFrame{" + code + (reason.isEmpty() ? "" : " '" + reason + "'") + "}";
    }
}
