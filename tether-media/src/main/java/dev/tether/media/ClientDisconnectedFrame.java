package dev.tether.media;

/** A local event: the client went away. Never serialized. */
public record ClientDisconnectedFrame(long id, String name) implements MediaFrame {

    public ClientDisconnectedFrame {
        FrameChecks.name(name);
    }

    public ClientDisconnectedFrame() {
        this(0, "");
    }
}
