package dev.tether.media;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * An application message carried beside the audio, a JSON value (RTVI messages are these). Outbound, an
 * {@code urgent} message is sent at once, ahead of audio still queued for pacing; a normal one waits its turn.
 */
public record TransportMessageFrame(long id, String name, JsonNode message, boolean urgent) implements MediaFrame {

    public TransportMessageFrame {
        FrameChecks.name(name);
        Objects.requireNonNull(message, "message");
    }

    public TransportMessageFrame(JsonNode message) {
        this(0, "", message, false);
    }

    /** The same message, to be sent ahead of queued audio. */
    public static TransportMessageFrame urgent(JsonNode message) {
        return new TransportMessageFrame(0, "", message, true);
    }
}
