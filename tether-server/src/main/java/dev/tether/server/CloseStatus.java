package dev.tether.server;

/**
 * How a session ended.
 *
 * @param code the WebSocket close code; 1006 when the connection dropped without a close frame
 * @param reason the close reason, empty when none was given
 * @param byPeer whether the client started the close (or dropped the connection)
 */
public record CloseStatus(int code, String reason, boolean byPeer) {

    /** The code of a connection that ended without a close frame (never sent on the wire). */
    public static final int ABNORMAL = 1006;

    @Override
    public String toString() {
        return code + (reason.isEmpty() ? "" : " " + reason) + (byPeer ? " (by peer)" : "");
    }
}
