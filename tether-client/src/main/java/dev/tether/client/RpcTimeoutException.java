package dev.tether.client;

/**
 * A call had no answer within its timeout ({@link TetherClientConfig#callTimeout()}, 30 s by default, or the
 * {@link Call}'s own). A late answer is ignored. The server may still run the call.
 */
public final class RpcTimeoutException extends RpcCallException {
    private static final long serialVersionUID = 1L;

    public RpcTimeoutException(String message, String method, String callId) {
        super(message, method, callId, null);
    }
}
