package dev.tether.core;

import org.jspecify.annotations.Nullable;

/** The root of every exception Tether throws. Unchecked: callers catch the few subclasses they act on. */
public class TetherException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TetherException(String message) {
        super(message);
    }

    public TetherException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
