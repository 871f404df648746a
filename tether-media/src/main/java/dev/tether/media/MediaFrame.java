package dev.tether.media;

/**
 * A unit of a real-time media pipeline: audio, text, a transport message or a control event, as pipecat's frames.
 *
 * <p>Every frame has an {@code id} (an unsigned 64-bit number, 0 when the application did not give one) and a
 * {@code name} ("" when none); a serializer leaves both off the wire when they are the default and restores them
 * when present. Frames are immutable values and may be handed between threads. The application tells them apart
 * with {@code instanceof}:
 *
 * <pre>{@code
 * if (frame instanceof AudioInFrame audio) {
 *     output.write(new AudioOutFrame(audio.audio(), audio.sampleRate(), audio.channels()));
 * }
 * }</pre>
 *
 * <p>{@link ClientConnectedFrame} and {@link ClientDisconnectedFrame} are local events and never serialized.
 */
public sealed interface MediaFrame
        permits AudioInFrame,
                AudioOutFrame,
                TextFrame,
                TranscriptionFrame,
                TransportMessageFrame,
                DtmfFrame,
                TelephonyCallFrame,
                InterruptionFrame,
                EndFrame,
                CancelFrame,
                ClientConnectedFrame,
                ClientDisconnectedFrame {

    /** The frame's id, an unsigned 64-bit number; 0 when none was given. */
    long id();

    /** The frame's name; "" when none was given. */
    String name();
}
