package dev.tether.server;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One call of an {@link RpcFunction}: who called, and the arguments, raw or converted to Java types with the same
 * rules as {@link Rpc} method parameters. A conversion that fails ends the call with INVALID_PARAMS and a message
 * naming the argument and the expected type.
 */
public interface RpcCall {

    /** The calling session. */
    Session session();

    /** The name the client called. */
    String method();

    /** The call's id, unique among the session's calls. */
    String callId();

    /** The positional arguments as decoded (see {@link dev.tether.core.Packet} for the value model). */
    List<@Nullable Object> args();

    /** The keyword arguments as decoded. */
    Map<String, @Nullable Object> kwargs();

    /**
     * The argument at {@code index}, or else the keyword argument {@code name}, converted to {@code type}.
     *
     * @throws RuntimeException that the dispatcher answers with INVALID_PARAMS, when the argument is missing or
     *     does not convert
     */
    <T> T arg(int index, String name, Class<T> type);

    /** The positional argument at {@code index} converted to {@code type}; see {@link #arg(int, String, Class)}. */
    <T> T arg(int index, Class<T> type);

    /** The keyword argument {@code name} converted to {@code type}; see {@link #arg(int, String, Class)}. */
    <T> T arg(String name, Class<T> type);
}
