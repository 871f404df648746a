package dev.tether.client;

import org.jspecify.annotations.Nullable;

/**
 * The server rejected the client's credentials. Fatal: the connection never retries it, and the
 * {@link Supervisor} stops at once by default.
 *
 * <p>Thrown by the connection for an HTTP 401 or 403 answer to the WebSocket upgrade; a
 * {@link SessionProtocol} fails its handshake with it when the server says so in the application protocol
 * (e.g. {@code auth_invalid}).
 */
public class AuthenticationException extends ConnectionException {
    private static final long serialVersionUID = 1L;

    public AuthenticationException(String message) {
        super(message);
    }

    public AuthenticationException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
