package dev.tether.media;

import org.jspecify.annotations.Nullable;

/**
 * Turns frames into WebSocket messages and back, in one client's or provider's format (pipecat's protobuf,
 * Twilio, Telnyx...). One instance serves one connection: it may keep state, such as the stream id of a call or
 * a resampler's history, and is called from one thread at a time.
 *
 * <p>The contract: a frame or message the serializer does not handle gives {@code null} ("nothing"), never an
 * exception; a text result is sent as a text frame and bytes as a binary frame. Bad input from the network
 * (broken JSON, an unknown event) also gives {@code null}, with a log line saying why. The one exception:
 * {@link #deserialize} may throw {@link MediaCloseException} when the client's input leaves nothing to talk about (an
 * unknown telephony provider); the transport then closes the connection with its code and reason.
 */
public interface FrameSerializer {

    /** Called once, before the first frame, when the transport knows its sample rates. */
    default void setup(MediaRates rates) {}

    /** The message to send for {@code frame}, or {@code null} when this format has none for it. */
    @Nullable
    WireMessage serialize(MediaFrame frame);

    /** The frame a received message stands for, or {@code null} when it stands for none this format knows. */
    @Nullable
    MediaFrame deserialize(WireMessage message);

    /**
     * The output still held back for the frames serialized so far (a resampler's last milliseconds), or {@code null}
     * when there is none. The transport calls it once, right before it serializes an {@link EndFrame}, so the end of
     * the last utterance reaches the client; never before a {@link CancelFrame}, which drops what is queued anyway.
     */
    default @Nullable WireMessage flush() {
        return null;
    }

    /**
     * Whether the serializer can write yet. While it is {@code false} the transport keeps outbound frames queued
     * (within its {@code maxQueuedAudio} and {@code maxQueuedFrames} bounds) and asks again after each received message;
     * a serializer that learns its format from the client's first messages ({@link FrameSerializers#telephony(
     * TelephonyOptions)}) says {@code false} until it knows it. Interruptions and urgent messages are not queued: they
     * are serialized at once, and a serializer that is not ready returns {@code null} for them.
     */
    default boolean isReady() {
        return true;
    }

    /** Called once when the connection closed, after the last call of {@link #deserialize}; nothing by default. */
    default void closed() {}
}
