package dev.tether.media;

/** The conversation stops now: like {@link EndFrame}, without waiting for queued audio. */
public record CancelFrame(long id, String name) implements MediaFrame {

    public CancelFrame {
        FrameChecks.name(name);
    }

    public CancelFrame() {
        this(0, "");
    }
}
