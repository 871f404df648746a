package dev.tether.core;

import org.jspecify.annotations.Nullable;

/** A value could not be written in the connection's wire format (for example an object Jackson cannot serialise). */
public class EncodingException extends TetherException {
    private static final long serialVersionUID = 1L;

    public EncodingException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
