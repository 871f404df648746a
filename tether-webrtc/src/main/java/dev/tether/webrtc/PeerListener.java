package dev.tether.webrtc;

import dev.tether.media.MediaSession;

/**
 * The peer connection's own events, beside the {@link dev.tether.media.MediaHandler} that gets the session, its
 * frames (audio in, the client's application messages) and its end.
 *
 * <p>Callbacks run on the session's thread, in order with the handler's callbacks, and must not block. A callback
 * that throws is logged and changes nothing.
 */
public interface PeerListener {
    /** A listener that does nothing. */
    PeerListener NONE = new PeerListener() {};

    /** The connection moved to {@code state}; {@link PeerState#CLOSED} comes once, right before the session ends. */
    default void onStateChange(MediaSession session, PeerState state) {}

    /** A track of kind {@code audio} or {@code video} arrived from the client (an offer or renegotiation). */
    default void onTrackStarted(MediaSession session, String kind) {}

    /** The client's track of kind {@code kind} ended. */
    default void onTrackEnded(MediaSession session, String kind) {}
}
