package dev.tether.client.internal;

import dev.tether.core.Backoff;
import dev.tether.core.Cancellable;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/** One run of layer 1: attempts with backoff until the session is ready or the loop gives up. Loop-confined. */
final class Establishment {
    final CompletableFuture<Void> result;
    final boolean reconnect;
    final Backoff backoff;
    int failures;
    boolean nothingFound = true;

    @Nullable
    Throwable lastCause;

    @Nullable
    DefaultClientSession attempt;

    @Nullable
    Cancellable wait;

    Establishment(CompletableFuture<Void> result, boolean reconnect, Backoff backoff) {
        this.result = result;
        this.reconnect = reconnect;
        this.backoff = backoff;
    }
}
