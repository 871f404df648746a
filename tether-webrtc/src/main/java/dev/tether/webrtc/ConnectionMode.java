package dev.tether.webrtc;

/** How many peer connections a {@link WebRtcSignaling} holds at a time. */
public enum ConnectionMode {
    /** Any number: each new offer makes a new connection. */
    MULTIPLE,
    /**
     * One: while it exists, an offer must carry its {@code pc_id} (a renegotiation); any other offer is answered 400.
     */
    SINGLE
}
