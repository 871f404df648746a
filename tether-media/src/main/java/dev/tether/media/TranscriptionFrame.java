package dev.tether.media;

import java.util.Objects;

/** What a user said, as a speech-to-text service transcribed it. {@code timestamp} is ISO 8601 text. */
public record TranscriptionFrame(long id, String name, String text, String userId, String timestamp)
        implements MediaFrame {

    public TranscriptionFrame {
        FrameChecks.name(name);
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(timestamp, "timestamp");
    }

    public TranscriptionFrame(String text, String userId, String timestamp) {
        this(0, "", text, userId, timestamp);
    }
}
