package dev.tether.server;

/** Where a session is in its life. It only moves forward: OPEN, then CLOSING, then CLOSED. */
public enum SessionState {
    /** The handshake completed; packets flow both ways. */
    OPEN,
    /** A close frame was sent or received; nothing more is sent. */
    CLOSING,
    /** The connection is gone; {@link TetherHandler#onDisconnect} has run or is about to. */
    CLOSED
}
