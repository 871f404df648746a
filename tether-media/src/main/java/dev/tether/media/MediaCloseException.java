package dev.tether.media;

import dev.tether.core.TetherException;

/**
 * Thrown by {@link FrameSerializer#deserialize} to close the connection: the transport logs the message at warn and
 * closes with {@link #code()} and {@link #reason()} (cut to the 123 bytes a close frame carries). For input that makes
 * the whole connection pointless, such as the first messages of an unknown telephony provider; a message that is
 * merely bad gives {@code null} instead.
 */
public final class MediaCloseException extends TetherException {
    private static final long serialVersionUID = 1L;

    private final int code;

    /**
     * @param code the close code, 1000-4999 but not 1004-1006 or 1015
     * @param reason the close reason, also the exception's message
     */
    public MediaCloseException(int code, String reason) {
        super(reason);
        if (code < 1000 || code > 4999 || (code >= 1004 && code <= 1006) || code == 1015) {
            throw new IllegalArgumentException("code: " + code + " (expected: a close code a peer may send)");
        }
        this.code = code;
    }

    public int code() {
        return code;
    }

    public String reason() {
        String message = getMessage();
        return message == null ? "" : message;
    }
}
