package dev.tether.client;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A service a {@link Supervisor} can start, watch and stop: one "life" per {@link #start}.
 *
 * <p>{@link #of(ClientConnection)} adapts a connection: a life is one {@code connect()} lifecycle, ready when
 * the session is, ending when the connection gives up (with its error) or ends normally.
 */
public interface Supervised {

    /**
     * Starts one life of the service. Never blocks.
     *
     * @param ready to be run once when the service is ready (e.g. connected and authenticated)
     * @return completes when this life ends: normally, or exceptionally with the failure
     */
    CompletionStage<Void> start(Runnable ready);

    /** Stops the current life (a startup timeout, or the supervisor was stopped); its stage then completes. */
    void stop();

    /** A connection as a supervised service. */
    static Supervised of(ClientConnection connection) {
        return new Supervised() {
            @Override
            public CompletionStage<Void> start(Runnable ready) {
                CompletableFuture<Void> ended = new CompletableFuture<>();
                connection.addListener(new ConnectionListener() {
                    @Override
                    public void onEnded(dev.tether.core.@org.jspecify.annotations.Nullable TetherException error) {
                        connection.removeListener(this);
                        if (error == null) {
                            ended.complete(null);
                        } else {
                            ended.completeExceptionally(error);
                        }
                    }
                });
                connection.connect().thenRun(ready);
                return ended;
            }

            @Override
            public void stop() {
                connection.disconnect();
            }

            @Override
            public String toString() {
                return "Supervised.of(" + connection + ")";
            }
        };
    }
}
