package dev.tether.server.internal;

import dev.tether.server.CloseStatus;
import io.netty.buffer.ByteBuf;

/**
 * The protocol spoken on a {@link WsConnection}: webshocket.v1 ({@link DefaultSession}) or a raw listener
 * ({@link ListenerBridge}). Every method runs on the connection's event loop, in this order: {@link #opened}, then
 * {@link #message}, {@link #writable} and {@link #failed} as they happen, and {@link #closed} once, last.
 */
interface ConnectionHandler {

    /** The handshake completed: the 101 is written and frames may flow. */
    void opened();

    /** A complete message arrived; the handler owns {@code content} and must release it. */
    void message(ByteBuf content, boolean text);

    /** The connection may be writable again (its queue drained, or Netty's buffer went below the low mark). */
    void writable();

    /** The client broke the protocol and the connection is being failed with a close code. */
    void failed(Throwable cause);

    /** The connection ended; the single terminal call. */
    void closed(CloseStatus status);

    /** RPC calls and streams of this connection that have not sent their last reply; read from any thread (drain). */
    default int callsInFlight() {
        return 0;
    }
}
