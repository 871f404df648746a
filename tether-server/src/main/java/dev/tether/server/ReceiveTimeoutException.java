package dev.tether.server;

import dev.tether.core.TetherException;

/** No packet arrived within the time given to {@link Session#recv}. */
public final class ReceiveTimeoutException extends TetherException {
    private static final long serialVersionUID = 1L;

    public ReceiveTimeoutException(String message) {
        super(message);
    }
}
