package dev.tether.webrtc;

/** Where a server-side peer connection is, as {@link PeerListener#onStateChange} reports it. */
public enum PeerState {
    /** Created from an offer; no connectivity check yet. */
    NEW,
    /** ICE and DTLS are connecting. */
    CONNECTING,
    /** Media and the data channel can flow. */
    CONNECTED,
    /** Connectivity was lost; it may come back, or fail. */
    DISCONNECTED,
    /** Connectivity failed for good: the connection is closed next. */
    FAILED,
    /** Closed and released; the last state. */
    CLOSED
}
