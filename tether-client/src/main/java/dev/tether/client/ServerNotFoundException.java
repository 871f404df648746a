package dev.tether.client;

/**
 * Every attempt to establish the connection found nobody listening (connection refused, or the host name did
 * not resolve): {@code could not find the server at ws://host:port/path}. Usually a wrong URL or a server
 * that is not running, rather than a network fault.
 */
public class ServerNotFoundException extends ConnectionException {
    private static final long serialVersionUID = 1L;

    public ServerNotFoundException(String message, Throwable cause) {
        super(message, cause);
    }
}
