package dev.tether.client;

import dev.tether.core.TetherException;
import org.jspecify.annotations.Nullable;

/**
 * A connection could not be established, was lost, or was given up. The message says which attempt and why,
 * e.g. {@code reconnection attempt 2 failed: Connection refused: /127.0.0.1:8765}.
 */
public class ConnectionException extends TetherException {
    private static final long serialVersionUID = 1L;

    public ConnectionException(String message) {
        super(message);
    }

    public ConnectionException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
