package dev.tether.testing;

/** The server refused the WebSocket upgrade, or answered it wrongly; {@link #response()} holds its answer. */
public final class HandshakeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient HandshakeResponse response;

    public HandshakeException(String message, HandshakeResponse response) {
        super(message + ": " + response);
        this.response = response;
    }

    /** What the server answered. */
    public HandshakeResponse response() {
        return response;
    }
}
