package dev.tether.server;

import java.util.concurrent.CompletionStage;

/**
 * Serves plain HTTP requests for one path on the server's port, next to the WebSocket path.
 *
 * <p>Endpoints run on a worker thread, so they may block; the response is written when the stage completes.
 * A stage that fails answers 500 and is logged.
 */
@FunctionalInterface
public interface HttpEndpoint {

    /** Answers {@code request}. */
    CompletionStage<HttpResponse> handle(HttpRequest request);
}
