package dev.tether.server;

import java.util.List;
import java.util.Set;

/**
 * The server's RPC methods, changeable while it runs: {@code server.rpc()}. The {@link Rpc} methods of the handler
 * given to the builder are registered by {@link TetherServer.Builder#build()}.
 *
 * <p>Registration validates everything up front: a method that cannot be bound (an unsupported parameter type, a
 * {@link Session} parameter that is not first), an unknown {@code requires} predicate, a bad rate-limit period, a
 * name already taken, or a method not marked {@link Rpc} is refused with an {@link IllegalArgumentException} that
 * says which and why, and nothing is registered. Calls already running finish after {@link #unregister}.
 *
 * <pre>{@code
 * server.rpc().register(new ChatService());                          // its @Rpc methods
 * server.rpc().register(RpcOptions.named("time"), call -> Instant.now());
 * server.rpc().unregister("time");
 * }</pre>
 *
 * <p>Thread-safe.
 */
public interface RpcRegistry {

    /**
     * Registers every {@link Rpc} method of {@code service} (declared in its class or inherited), all or none.
     *
     * @return the names the methods are callable by
     */
    List<String> register(Object service);

    /**
     * Registers the {@link Rpc} method of {@code service} whose Java name is {@code methodName}.
     *
     * @return the name it is callable by
     */
    String register(Object service, String methodName);

    /** Registers {@code function} under {@code options}' name, with its permission, limits and kind. */
    void register(RpcOptions options, RpcFunction function);

    /** Removes the method callable as {@code name}; returns whether there was one. */
    boolean unregister(String name);

    /** The names callable now. */
    Set<String> names();
}
