package dev.tether.media;

/** The user spoke over the bot: audio queued for the client is dropped and the client told to stop playing. */
public record InterruptionFrame(long id, String name) implements MediaFrame {

    public InterruptionFrame {
        FrameChecks.name(name);
    }

    public InterruptionFrame() {
        this(0, "");
    }
}
