package dev.tether.media;

import java.util.Objects;

/** A piece of text, such as what the bot is about to say. */
public record TextFrame(long id, String name, String text) implements MediaFrame {

    public TextFrame {
        FrameChecks.name(name);
        Objects.requireNonNull(text, "text");
    }

    public TextFrame(String text) {
        this(0, "", text);
    }
}
