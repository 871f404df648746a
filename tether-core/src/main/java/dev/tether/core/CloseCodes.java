package dev.tether.core;

/** The WebSocket close codes (RFC 6455 section 7.4) that Tether sends, with the reasons it uses. */
public final class CloseCodes {
    /** The purpose of the connection is fulfilled. */
    public static final int NORMAL = 1000;
    /** The server is shutting down, or a browser tab navigated away. */
    public static final int GOING_AWAY = 1001;
    /** The peer broke the WebSocket protocol. */
    public static final int PROTOCOL_ERROR = 1002;
    /** A text message was not valid UTF-8. */
    public static final int INVALID_PAYLOAD = 1007;
    /** The peer broke a policy of the server, for example by reading too slowly. */
    public static final int POLICY_VIOLATION = 1008;
    /** A message was larger than the server accepts. */
    public static final int MESSAGE_TOO_BIG = 1009;
    /** The server met an unexpected condition (a handler threw, a keepalive ping went unanswered). */
    public static final int INTERNAL_ERROR = 1011;
    /** The server is restarting; a client may come back after a random wait (RFC 6455's IANA registry). */
    public static final int SERVICE_RESTART = 1012;
    /** The server is over capacity or the peer over a rate limit; the peer may try again later. */
    public static final int TRY_AGAIN_LATER = 1013;

    /** The reason a client sends when it closes on purpose, as the webshocket client does. */
    public static final String CLIENT_CLOSING = "Client is closing the connection.";
    /** The reason sent with 1001 on server shutdown. */
    public static final String SERVER_SHUTTING_DOWN = "Server is shutting down.";
    /** The body of the HTTP 503 answer to a handshake over capacity. */
    public static final String SERVER_FULL = "Server is full, try again later.";
    /** The reason sent with 1013 when a rate limit with {@code disconnect} is exceeded. */
    public static final String RATE_LIMIT_EXCEEDED = "Rate limit exceeded";

    private CloseCodes() {}
}
