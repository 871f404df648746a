package dev.tether.media;

import java.util.Arrays;
import java.util.Objects;

/** One WebSocket message as a serializer reads or writes it: a text frame or a binary frame. */
public sealed interface WireMessage {

    static WireMessage text(String text) {
        return new Text(text);
    }

    static WireMessage binary(byte[] data) {
        return new Binary(data);
    }

    /** A text frame. */
    record Text(String text) implements WireMessage {
        public Text {
            Objects.requireNonNull(text, "text");
        }
    }

    /** A binary frame; the array is not copied. */
    record Binary(byte[] data) implements WireMessage {
        public Binary {
            Objects.requireNonNull(data, "data");
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Binary that && Arrays.equals(data, that.data);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return "Binary{" + data.length + " bytes}";
        }
    }
}
