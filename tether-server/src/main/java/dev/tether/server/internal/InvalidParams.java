package dev.tether.server.internal;

import dev.tether.core.TetherException;

/** The arguments of a call do not fit the method; answered with INVALID_PARAMS and this message. */
final class InvalidParams extends TetherException {
    private static final long serialVersionUID = 1L;

    InvalidParams(String message) {
        super(message);
    }

    @Override
    public String getMessage() {
        String message = super.getMessage();
        return message == null ? "" : message;
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this; // a reply to bad input, never logged with a trace
    }
}
