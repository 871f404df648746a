package dev.tether.client;

import org.jspecify.annotations.Nullable;

/**
 * The connection dropped while a call or stream waited for its answer; the answer will never come. Retryable: the
 * client reconnects by itself, and the same call may be made again (the server may or may not have run it).
 */
public final class RpcDisconnectedException extends RpcCallException {
    private static final long serialVersionUID = 1L;

    public RpcDisconnectedException(String message, String method, String callId, @Nullable Throwable cause) {
        super(message, method, callId, true, cause);
    }
}
