package dev.tether.server;

import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An {@link Authenticator}'s decision on one upgrade request: {@linkplain #accept accept} it with the client's
 * {@link Identity}, or {@linkplain #refuse refuse} it with an HTTP status and a message, which the client receives
 * as the response to its upgrade (no session is created).
 */
public final class AuthResult {
    private final @Nullable Identity identity;
    private final int status;
    private final String message;
    private final Map<String, String> headers;

    private AuthResult(@Nullable Identity identity, int status, String message, Map<String, String> headers) {
        this.identity = identity;
        this.status = status;
        this.message = message;
        this.headers = headers;
    }

    /** Opens the session with {@code identity}, which the session's {@link Session#identity()} returns. */
    public static AuthResult accept(Identity identity) {
        return new AuthResult(Objects.requireNonNull(identity, "identity"), 101, "", Map.of());
    }

    /**
     * Refuses the upgrade with {@code status} and {@code message} as a {@code text/plain} body; the connection is
     * closed after the response.
     *
     * @throws IllegalArgumentException if {@code status} is not a 4xx or 5xx code
     */
    public static AuthResult refuse(int status, String message) {
        return refuse(status, message, Map.of());
    }

    /**
     * Refuses like {@link #refuse(int, String)}, with extra response {@code headers}, e.g. {@code WWW-Authenticate}
     * for a 401 or {@code Retry-After} for a 429 or 503.
     */
    public static AuthResult refuse(int status, String message, Map<String, String> headers) {
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("status: " + status + " (expected: 400-599)");
        }
        return new AuthResult(null, status, Objects.requireNonNull(message, "message"), Map.copyOf(headers));
    }

    /** Whether the upgrade goes ahead. */
    public boolean accepted() {
        return identity != null;
    }

    /** The identity of an accepted client. @throws IllegalStateException if refused */
    public Identity identity() {
        if (identity == null) {
            throw new IllegalStateException(
                    "identity: none (expected: an accepted result; this one refused with " + status + ")");
        }
        return identity;
    }

    /** The refusal's HTTP status; 101 for an accepted result. */
    public int status() {
        return status;
    }

    /** The refusal's message; empty for an accepted result. */
    public String message() {
        return message;
    }

    /** The refusal's extra response headers. */
    public Map<String, String> headers() {
        return headers;
    }

    @Override
    public String toString() {
        return identity != null ? "Accept(" + identity.subject() + ")" : "Refuse(" + status + ", " + message + ")";
    }
}
