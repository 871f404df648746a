package dev.tether.server.spi;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** The broker of a single node: there is no one else to tell. */
final class LocalBroker implements ClusterBroker {
    static final LocalBroker INSTANCE = new LocalBroker();

    private static final CompletionStage<Void> DONE = CompletableFuture.completedStage(null);

    private LocalBroker() {}

    @Override
    public CompletionStage<Void> start(Inbound inbound) {
        return DONE;
    }

    @Override
    public CompletionStage<Void> publish(String channel, byte[] packet) {
        return DONE;
    }

    @Override
    public CompletionStage<Void> interest(String nameOrPattern, boolean subscribed) {
        return DONE;
    }

    @Override
    public CompletionStage<Void> close() {
        return DONE;
    }

    @Override
    public String toString() {
        return "ClusterBroker.local()";
    }
}
