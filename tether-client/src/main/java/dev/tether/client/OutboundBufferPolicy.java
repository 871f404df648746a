package dev.tether.client;

/**
 * What {@link ClientConnection#send(String)} does with a message while the connection is not
 * {@link ConnectionState#CONNECTED}.
 *
 * <p>Either way the bytes waiting for the socket (queued here, or written but not yet flushed to the network)
 * never exceed {@link ConnectionConfig#outboundBufferBytes()}; a send that would exceed it fails at once with
 * {@link SendRejectedException}, and nothing already queued is dropped.
 */
public enum OutboundBufferPolicy {
    /** Fail the send at once with {@link SendRejectedException}; the caller decides whether to retry. */
    FAIL_FAST,
    /**
     * Keep the message, in order, and write it when the session is ready again (after the session protocol's
     * handshake and re-subscribe). Queued messages fail with {@link SendRejectedException} if the connection
     * gives up or is disconnected on purpose.
     */
    QUEUE
}
