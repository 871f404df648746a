package dev.tether.media;

import org.jspecify.annotations.Nullable;

/**
 * Turns frames into WebSocket messages and back, in one client's or provider's format (pipecat's protobuf,
 * Twilio, Telnyx...). One instance serves one connection: it may keep state, such as the stream id of a call or
 * a resampler's history, and is called from one thread at a time.
 *
 * <p>The contract: a frame or message the serializer does not handle gives {@code null} ("nothing"), never an
 * exception; a text result is sent as a text frame and bytes as a binary frame. Bad input from the network
 * (broken JSON, an unknown event) also gives {@code null}, with a log line saying why.
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
}
