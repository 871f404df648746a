package dev.tether.media;

import dev.tether.server.CloseStatus;

/**
 * What a voice bot implements: the life of each client session of a {@link MediaEndpoint}.
 *
 * <p>Lifecycle of a session: {@link #onConnect} once the client is accepted (after its origin, token and the
 * endpoint's {@link ClientMode} let it in; a client refused there reaches no callback), then {@link #onFrame} for
 * every frame the serializer made of what the client sent, in arrival order, {@link #onSessionTimeout} at most once,
 * and exactly one {@link #onDisconnect}, last. The connected and disconnected events come as these callbacks, not as
 * {@link ClientConnectedFrame} / {@link ClientDisconnectedFrame}.
 *
 * <p>Threading: callbacks of one session run on its connection's I/O thread (for a WebRTC session of tether-webrtc,
 * on the {@code tether-webrtc-N} thread it lives on), one at a time, and must never block (they would stall every
 * connection of that thread); hand slow work (speech-to-text, an LLM call) to your own
 * executor and {@link MediaSession#write} the answer from there. One handler serves every session of the endpoint;
 * keep per-session state in {@link MediaSession#attributes()}. A callback that throws is logged and closes the
 * session with 1011.
 *
 * <pre>{@code
 * MediaHandler echo = new MediaHandler() {
 *     public void onFrame(MediaSession session, MediaFrame frame) {
 *         if (frame instanceof AudioInFrame in) {
 *             session.write(new AudioOutFrame(in.audio(), in.sampleRate(), in.channels()));
 *         }
 *     }
 * };
 * }</pre>
 */
public interface MediaHandler {

    /** The client was accepted; the session may write from now on. */
    default void onConnect(MediaSession session) {}

    /**
     * A frame arrived from the client: {@link AudioInFrame}, {@link TextFrame}, {@link TranscriptionFrame},
     * {@link TransportMessageFrame} (RTVI messages included), {@link DtmfFrame}, {@link InterruptionFrame},
     * {@link TelephonyCallFrame} (once, from the auto-detecting telephony serializer), or whatever else the serializer
     * makes.
     */
    default void onFrame(MediaSession session, MediaFrame frame) {}

    /** The endpoint's session timeout passed since {@link #onConnect}; nothing was closed, the bot decides. */
    default void onSessionTimeout(MediaSession session) {}

    /** The session ended, however it ended; the last callback, exactly once per {@link #onConnect}. */
    default void onDisconnect(MediaSession session, CloseStatus status) {}
}
