package dev.tether.client;

import dev.tether.core.TetherException;

/**
 * No packet arrived within the time given to {@link TetherClient#recv}; the message is the Python client's,
 * e.g. {@code Receive operation timed out after 5 seconds.}
 */
public final class ReceiveTimeoutException extends TetherException {
    private static final long serialVersionUID = 1L;

    public ReceiveTimeoutException(String message) {
        super(message);
    }
}
