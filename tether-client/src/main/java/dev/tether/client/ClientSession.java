package dev.tether.client;

import java.net.URI;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * One physical WebSocket of a {@link ClientConnection}, from the upgrade to its drop: what a
 * {@link SessionProtocol} talks through. A reconnect makes a new session; the old one stays closed.
 *
 * <p>Sends here go straight to this socket, also while the connection is still
 * {@link ConnectionState#CONNECTING} (which is how a handshake talks), and never into the connection's
 * offline queue; they count against the same {@link ConnectionConfig#outboundBufferBytes() byte limit}. They
 * never block; call them from any thread.
 */
public interface ClientSession {

    /** 1 for the first session of the connection, then 2, 3… for every attempt that got a socket. */
    long number();

    /** Whether the connection had been ready before this session: re-subscribe, treat a rejection as revocation. */
    boolean isReconnect();

    /** Whether the socket is still open. */
    boolean isOpen();

    /** The subprotocol the server chose from {@link ConnectionConfig#subprotocols()}, or {@code null}. */
    @Nullable
    String subprotocol();

    /** The URI this session connected to. */
    URI uri();

    /**
     * Writes a text frame.
     *
     * @return completes when the frame was handed to the network; fails with {@link SendRejectedException} if
     *     the socket is closed or the byte limit is reached
     */
    CompletionStage<Void> sendText(String text);

    /** Writes a binary frame; see {@link #sendText(String)}. The array is copied before this returns. */
    CompletionStage<Void> sendBinary(byte[] bytes);
}
