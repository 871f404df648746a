package dev.tether.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A call of a remote method: {@code {"type":"request","method":…,"args":[…],"kwargs":{…},"call_id":…}}.
 *
 * <p>Arguments are plain decoded values (see {@link Packet} for the value model). The lists and maps are
 * unmodifiable copies; elements may be {@code null}.
 */
public record RpcRequest(
        String method, List<@Nullable Object> args, Map<String, @Nullable Object> kwargs, String callId)
        implements RpcMessage {

    /** The reserved method that cancels the caller's active stream named by {@code args[0]}. */
    public static final String ABORT_METHOD = "__abort__";

    public RpcRequest {
        checkNotNull(method, "method");
        checkNotNull(callId, "callId");
        args = Collections.unmodifiableList(new ArrayList<>(checkNotNull(args, "args")));
        kwargs = Collections.unmodifiableMap(new LinkedHashMap<>(checkNotNull(kwargs, "kwargs")));
    }

    /** A request with positional arguments only. */
    public static RpcRequest of(String method, String callId, @Nullable Object... args) {
        List<@Nullable Object> list = new ArrayList<>(args.length);
        Collections.addAll(list, args);
        return new RpcRequest(method, list, Map.of(), callId);
    }

    /** The {@code __abort__} request that cancels the stream started by the call {@code streamCallId}. */
    public static RpcRequest abort(String streamCallId, String callId) {
        return of(ABORT_METHOD, callId, streamCallId);
    }

    private static <T> T checkNotNull(@Nullable T value, String name) {
        if (value == null) {
            throw new NullPointerException(name);
        }
        return value;
    }
}
