package dev.tether.server;

import dev.tether.core.TetherException;

/** The session ended while (or before) the caller waited on it. */
public final class SessionClosedException extends TetherException {
    private static final long serialVersionUID = 1L;

    public SessionClosedException(String message) {
        super(message);
    }
}
