package dev.tether.client;

import dev.tether.core.TetherException;
import org.jspecify.annotations.Nullable;

/**
 * A remote call did not return a result: the root of the call failures a caller acts on.
 *
 * <ul>
 *   <li>{@link RpcErrorException}: the server answered with an error code (method not found, invalid params,
 *       access denied, rate limited, application error, internal error); {@link RpcErrorException#errorCode()}
 *       names it.
 *   <li>{@link RpcTimeoutException}: no answer within the call's timeout.
 *   <li>{@link RpcDisconnectedException}: the connection dropped before the answer; {@linkplain #isRetryable()
 *       retryable}.
 *   <li>this class itself: the call was not sent (not connected, too many pending calls, a stream's subscriber
 *       fell too far behind); the message says which.
 * </ul>
 */
public class RpcCallException extends TetherException {
    private static final long serialVersionUID = 1L;

    private final String method;
    private final @Nullable String callId;
    private final boolean retryable;

    public RpcCallException(String message, String method, @Nullable String callId, @Nullable Throwable cause) {
        this(message, method, callId, false, cause);
    }

    public RpcCallException(
            String message, String method, @Nullable String callId, boolean retryable, @Nullable Throwable cause) {
        super(message, cause);
        this.method = method;
        this.callId = callId;
        this.retryable = retryable;
    }

    /** The remote method that was called. */
    public String method() {
        return method;
    }

    /** The call's id on the wire, or {@code null} if it never got one. */
    public @Nullable String callId() {
        return callId;
    }

    /**
     * Whether making the same call again later may succeed without changing anything: true when the call could not
     * be sent because the client was not connected, and when the connection dropped before the answer (the client
     * reconnects by itself; the server may or may not have run the first call).
     */
    public boolean isRetryable() {
        return retryable;
    }
}
