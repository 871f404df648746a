package dev.tether.client;

import dev.tether.core.TetherException;

/**
 * A message was not accepted for sending: the outbound buffer is full, or the connection is not ready and
 * the {@link OutboundBufferPolicy} is {@link OutboundBufferPolicy#FAIL_FAST FAIL_FAST}, or the connection
 * ended before the message could be written.
 */
public class SendRejectedException extends TetherException {
    private static final long serialVersionUID = 1L;

    public SendRejectedException(String message) {
        super(message);
    }
}
