package dev.tether.server;

import org.jspecify.annotations.Nullable;

/**
 * An RPC method written as a lambda, registered with {@link RpcRegistry#register(RpcOptions, RpcFunction)}. It reads
 * its arguments from the {@link RpcCall} and returns what an {@link Rpc} method would: a value, a
 * {@link java.util.concurrent.CompletionStage}, or, when the options say {@link RpcOptions#streaming()}, a
 * {@link java.util.concurrent.Flow.Publisher}, {@link java.util.stream.Stream} or {@link java.util.Iterator}.
 *
 * <pre>{@code
 * server.rpc().register(RpcOptions.named("add"), call -> call.arg(0, "a", int.class) + call.arg(1, "b", int.class));
 * }</pre>
 */
@FunctionalInterface
public interface RpcFunction {

    /** Runs one call; throw {@link RpcException} for an application error. */
    @Nullable
    Object call(RpcCall call) throws Exception;
}
