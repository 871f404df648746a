package dev.tether.media;

/** A local event: a client connected. Never serialized. */
public record ClientConnectedFrame(long id, String name) implements MediaFrame {

    public ClientConnectedFrame {
        FrameChecks.name(name);
    }

    public ClientConnectedFrame() {
        this(0, "");
    }
}
