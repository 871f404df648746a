package dev.tether.server;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Decides, before any session exists, whether a WebSocket upgrade request may open one, and who its client is.
 * It sees the request's path, query, headers (cookies among them, see {@link HttpRequest#cookies()}) and remote
 * address, and answers {@link AuthResult#accept(Identity)} or {@link AuthResult#refuse(int, String)}.
 *
 * <pre>{@code
 * TetherServer.builder()
 *         .authenticator(request -> CompletableFuture.completedFuture(
 *                 apiKeys.containsKey(request.header("x-api-key"))
 *                         ? AuthResult.accept(Identity.of(apiKeys.get(request.header("x-api-key"))))
 *                         : AuthResult.refuse(401, "Unknown API key")))
 * }</pre>
 *
 * <p>It runs on a worker thread, so it may block (a database, an identity provider over HTTP); the connection reads
 * nothing meanwhile. The answer must come within the server's {@code handshakeTimeout}, or the client gets
 * {@code 503 Authentication timed out}; a stage that fails, or completes with {@code null}, answers {@code 500} and
 * is logged. A refusal goes out as the HTTP response to the upgrade and the connection closes.
 * {@link JwtAuthenticator} is a ready implementation for JSON Web Tokens.
 */
@FunctionalInterface
public interface Authenticator {

    /** Decides on {@code request}, whose body is empty. */
    CompletionStage<AuthResult> authenticate(HttpRequest request);

    /**
     * Lets every client in as {@link Identity#anonymous()}, at no cost: for a raw endpoint that must not use the
     * server's authenticator (a telephony provider's media stream, which brings no token).
     */
    static Authenticator anonymous() {
        return Anonymous.INSTANCE;
    }

    /** Holds {@link #anonymous()}'s one instance, which the server recognises and skips. */
    final class Anonymous implements Authenticator {
        static final Anonymous INSTANCE = new Anonymous();
        private static final CompletionStage<AuthResult> ACCEPT =
                CompletableFuture.completedFuture(AuthResult.accept(Identity.anonymous()));

        private Anonymous() {}

        @Override
        public CompletionStage<AuthResult> authenticate(HttpRequest request) {
            return ACCEPT;
        }

        @Override
        public String toString() {
            return "Authenticator.anonymous()";
        }
    }
}
