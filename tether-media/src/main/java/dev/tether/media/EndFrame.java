package dev.tether.media;

/** The end of the conversation: audio queued before it is played out first, then the connection closes. */
public record EndFrame(long id, String name) implements MediaFrame {

    public EndFrame {
        FrameChecks.name(name);
    }

    public EndFrame() {
        this(0, "");
    }
}
