package dev.tether.client;

/**
 * Where a {@link ClientConnection} is in its life.
 *
 * <pre>
 *   DISCONNECTED → CONNECTING → CONNECTED
 *                  ↑    │          │
 *                  │    └→ DISCONNECTED ←┘   (give-up, normal close, disconnect on purpose)
 *                  └──── CONNECTED (a drop that reconnects)
 *   any state → CLOSED (explicit close; terminal)
 * </pre>
 */
public enum ConnectionState {
    /** No socket and no attempt running; {@link ClientConnection#connect()} starts one. */
    DISCONNECTED,
    /** Attempts to establish (or re-establish) the session are running, including backoff waits. */
    CONNECTING,
    /** The session is ready: upgraded, and the session protocol's handshake and re-subscribe succeeded. */
    CONNECTED,
    /** Closed on purpose with {@link ClientConnection#close()}; nothing can leave this state. */
    CLOSED;

    /** Whether the transition from this state to {@code next} is one the state machine allows. */
    public boolean canBecome(ConnectionState next) {
        return switch (this) {
            case DISCONNECTED -> next == CONNECTING || next == CLOSED;
            case CONNECTING -> next == CONNECTED || next == DISCONNECTED || next == CLOSED;
            case CONNECTED -> next == CONNECTING || next == DISCONNECTED || next == CLOSED;
            case CLOSED -> false;
        };
    }
}
