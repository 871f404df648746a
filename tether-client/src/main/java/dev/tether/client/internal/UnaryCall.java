package dev.tether.client.internal;

import dev.tether.client.RpcCallException;
import dev.tether.core.RpcResponse;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/** A call that ends with its first answer. */
final class UnaryCall extends PendingCall {
    final CompletableFuture<@Nullable Object> result = new CompletableFuture<>();

    UnaryCall(DefaultTetherClient client, String method, String callId) {
        super(client, method, callId);
    }

    @Override
    void answered(RpcResponse response) {
        if (!client.release(this)) {
            return;
        }
        if (response.isError()) {
            result.completeExceptionally(client.errorOf(this, response));
        } else {
            result.complete(response.response());
        }
    }

    @Override
    void fail(RpcCallException error) {
        result.completeExceptionally(error);
    }
}
