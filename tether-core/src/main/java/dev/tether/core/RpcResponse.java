package dev.tether.core;

import org.jspecify.annotations.Nullable;

/**
 * The answer to a call: {@code {"type":"response","call_id":…,"response":…,"error":…,"is_stream":…,"is_end":…}}.
 *
 * <p>On success {@code error} is {@code null} and {@code response} is the result (or one stream item). On
 * failure {@code error} is the code and {@code response} the message text.
 *
 * @param error the error code, usually one of {@link RpcErrorCode}; {@code null} on success
 * @param isStream whether this response belongs to a streaming call
 * @param isEnd whether this response ends the call (the end of a stream, or any error)
 */
public record RpcResponse(
        String callId, @Nullable Object response, @Nullable Integer error, boolean isStream, boolean isEnd)
        implements RpcMessage {

    public RpcResponse {
        if (callId == null) {
            throw new NullPointerException("callId");
        }
    }

    /** A successful reply to a unary call. */
    public static RpcResponse result(String callId, @Nullable Object result) {
        return new RpcResponse(callId, result, null, false, false);
    }

    /** An error reply; it always ends the call. */
    public static RpcResponse error(String callId, RpcErrorCode code, String message, boolean isStream) {
        return new RpcResponse(callId, message, code.code(), isStream, true);
    }

    /** One item of a stream. */
    public static RpcResponse streamItem(String callId, @Nullable Object item) {
        return new RpcResponse(callId, item, null, true, false);
    }

    /** The reply that ends a stream normally; its {@code response} is not an item. */
    public static RpcResponse streamEnd(String callId) {
        return new RpcResponse(callId, null, null, true, true);
    }

    /** Whether this is an error reply. */
    public boolean isError() {
        return error != null;
    }

    /** The named error code, or {@code null} on success or for a code webshocket.v1 does not define. */
    public @Nullable RpcErrorCode errorCode() {
        return error == null ? null : RpcErrorCode.fromCode(error);
    }
}
