package dev.tether.core;

import org.jspecify.annotations.Nullable;

/**
 * A decoded value does not fit the Java type it was converted to, for example an RPC argument of the wrong type.
 * The message shows the value and the type: {@code value: "abc" (expected: int)}.
 */
public class ConversionException extends TetherException {
    private static final long serialVersionUID = 1L;

    public ConversionException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
