package dev.tether.client.internal;

import dev.tether.client.ClientSession;
import dev.tether.client.RpcCallException;
import dev.tether.core.Cancellable;
import dev.tether.core.RpcResponse;
import org.jspecify.annotations.Nullable;

/**
 * A call or stream waiting for its answer, registered under its call id. Whoever removes it from the client's map
 * ({@link DefaultTetherClient#release}) owns its ending, so an answer, a timeout and a drop that race end it once.
 */
abstract class PendingCall {
    final DefaultTetherClient client;
    final String method;
    final String callId;

    /**
     * The socket a call was sent on directly, not through the connection (a re-join or re-subscribe on a handshake
     * socket, a subscription's fetch after a gap); such a call fails when that socket closes. Null otherwise.
     */
    volatile @Nullable ClientSession attempt;

    volatile @Nullable Cancellable timer;

    PendingCall(DefaultTetherClient client, String method, String callId) {
        this.client = client;
        this.method = method;
        this.callId = callId;
    }

    /** A response with this call id arrived (on the event loop). */
    abstract void answered(RpcResponse response);

    /** Ends the call with {@code error}; the caller has already released it. */
    abstract void fail(RpcCallException error);

    void cancelTimer() {
        Cancellable t = timer;
        if (t != null) {
            t.cancel();
        }
    }
}
