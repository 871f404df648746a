package dev.tether.media;

import dev.tether.server.HttpRequest;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/**
 * One client of a {@link MediaEndpoint}, and the output the bot writes its frames to.
 *
 * <p>{@link #write} never blocks and may be called from any thread; frames written from one thread keep their order.
 * What a frame does:
 *
 * <ul>
 *   <li>{@link AudioOutFrame}: queued, cut into chunks of {@code audioOut10msChunks} × 10 ms and paced like a sound
 *       card (see {@code docs/media.md}, "Pacing");
 *   <li>{@link TransportMessageFrame}: in order with the audio before it, or, when {@code urgent}, sent at once ahead
 *       of queued audio; {@link TextFrame}, {@link TranscriptionFrame} and {@link DtmfFrame} go in order too;
 *   <li>{@link InterruptionFrame}: the serializer's interruption message is sent at once, queued audio is dropped and
 *       the pacing clock reset;
 *   <li>{@link EndFrame}: audio queued before it reaches the client first, then the end frame's message (if the
 *       serializer has one), then the connection is closed with 1000; {@link CancelFrame}: the same without waiting
 *       for queued audio. Every write after either is refused.
 * </ul>
 *
 * <p>Bounds: queued audio is limited by {@code maxQueuedAudio} and other queued frames by {@code maxQueuedFrames}; a
 * write past them returns {@code false} and is counted in {@link #refusedWrites()}, and the session stays open.
 * A write is also refused when the session has ended or the frame is one the client never receives ({@link
 * AudioInFrame}, the local events).
 */
public interface MediaSession {

    /** The session's id: the WebSocket session's, or over WebRTC the UUID that ends the peer connection's id. */
    UUID id();

    /** The request that opened the session: the WebSocket upgrade, or over WebRTC the first offer. */
    HttpRequest request();

    /** The client's address as the server saw it. */
    InetSocketAddress remoteAddress();

    /** State owned by the application: a thread-safe map whose values must not be {@code null}. */
    Map<String, Object> attributes();

    /** Whether the session takes writes: connected, and neither ended nor cancelled. */
    boolean isOpen();

    /**
     * Writes {@code frame} to the client, as the list above says; never blocks.
     *
     * @return whether it was taken: {@code false} when the session ended, a bound is reached or the frame is one the
     *     client never receives
     */
    boolean write(MediaFrame frame);

    /** Audio written and not yet sent. */
    Duration queuedAudio();

    /** Writes refused because a bound was reached. */
    long refusedWrites();
}
