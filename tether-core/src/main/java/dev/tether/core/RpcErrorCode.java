package dev.tether.core;

import org.jspecify.annotations.Nullable;

/** The JSON-RPC style error codes of webshocket.v1, carried in an RPC response's {@code error} key. */
public enum RpcErrorCode {
    /** No exposed method has the requested name. */
    METHOD_NOT_FOUND(-32601),
    /** The arguments do not fit the method's parameters. */
    INVALID_PARAMS(-32602),
    /** The method threw an unexpected exception, or a stream failed mid-way. */
    INTERNAL_SERVER_ERROR(-32603),
    /** The caller is over the method's rate limit. */
    RATE_LIMIT_EXCEEDED(-32000),
    /** The method failed on purpose with an application error. */
    APPLICATION_ERROR(-32001),
    /** The method's permission predicate is false for the caller. */
    ACCESS_DENIED(-32002);

    private final int code;

    RpcErrorCode(int code) {
        this.code = code;
    }

    /** The integer written on the wire. */
    public int code() {
        return code;
    }

    /** Returns the named code for this integer, or {@code null} for a code webshocket.v1 does not define. */
    public static @Nullable RpcErrorCode fromCode(int code) {
        for (RpcErrorCode c : values()) {
            if (c.code == code) {
                return c;
            }
        }
        return null;
    }
}
