package dev.tether.client;

import dev.tether.core.RpcErrorCode;
import org.jspecify.annotations.Nullable;

/**
 * The server answered a call with an error: the {@link #code()} of the reply's {@code error} key and the message
 * of its {@code response} key, e.g. {@code -32601} and {@code RPC method 'nope' not found.}
 *
 * <pre>{@code
 * } catch (RpcErrorException e) {
 *     if (e.errorCode() == RpcErrorCode.RATE_LIMIT_EXCEEDED) { ... }
 * }
 * }</pre>
 */
public final class RpcErrorException extends RpcCallException {
    private static final long serialVersionUID = 1L;

    private final int code;

    public RpcErrorException(int code, String message, String method, String callId) {
        super(message, method, callId, null);
        this.code = code;
    }

    /** The code on the wire, usually one of {@link RpcErrorCode}. */
    public int code() {
        return code;
    }

    /**
     * The named code: {@link RpcErrorCode#METHOD_NOT_FOUND}, {@link RpcErrorCode#INVALID_PARAMS},
     * {@link RpcErrorCode#ACCESS_DENIED}, {@link RpcErrorCode#RATE_LIMIT_EXCEEDED},
     * {@link RpcErrorCode#APPLICATION_ERROR} or {@link RpcErrorCode#INTERNAL_SERVER_ERROR}; {@code null} for a code
     * webshocket.v1 does not define.
     */
    public @Nullable RpcErrorCode errorCode() {
        return RpcErrorCode.fromCode(code);
    }
}
