package dev.tether.server;

/**
 * What happens to a session that sends faster than {@code maxInboundMessagesPerSecond} or
 * {@code maxInboundBytesPerSecond} allow.
 */
public enum InboundRateAction {
    /**
     * The message that goes over is delivered, then the server stops reading from the connection until the session
     * is back within its rate: TCP pushes back on the client, nothing is lost, and a client that keeps sending too fast
     * just goes slower. The pause lasts as long as the excess takes at the rate (one message over: a fraction of a
     * second).
     */
    THROTTLE,

    /** The message that goes over is dropped and the session is closed with 1008 {@code Message rate exceeded}. */
    CLOSE
}
