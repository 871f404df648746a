package dev.tether.examples.homeautomation;

import dev.tether.core.TetherException;
import org.jspecify.annotations.Nullable;

/**
 * A command did not succeed. {@link #code()} is the server's error code (e.g. {@code not_found}) when the server
 * answered {@code success: false}, or one of {@link #TIMEOUT}, {@link #DISCONNECTED}, {@link #NOT_CONNECTED} when
 * there was no answer.
 */
public final class CommandException extends TetherException {
    private static final long serialVersionUID = 1L;

    /** Every attempt went unanswered. */
    public static final String TIMEOUT = "timeout";
    /** The connection dropped before the answer; retryable. */
    public static final String DISCONNECTED = "disconnected";
    /** The command could not be sent: not connected; retryable. */
    public static final String NOT_CONNECTED = "not_connected";

    private final String code;

    public CommandException(String code, String message, @Nullable Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    /** The server's error code, or one of the local codes above. */
    public String code() {
        return code;
    }

    /** Whether the same command may succeed later unchanged: after a drop, or when it could not be sent. */
    public boolean isRetryable() {
        return code.equals(DISCONNECTED) || code.equals(NOT_CONNECTED);
    }
}
