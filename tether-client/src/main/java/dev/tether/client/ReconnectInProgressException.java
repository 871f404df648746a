package dev.tether.client;

/**
 * {@link ClientConnection#reconnect()} was asked while a reconnect (or the first connect) was already running.
 * The request was refused at once; the running one goes on.
 */
public class ReconnectInProgressException extends ConnectionException {
    private static final long serialVersionUID = 1L;

    public ReconnectInProgressException(String message) {
        super(message);
    }
}
