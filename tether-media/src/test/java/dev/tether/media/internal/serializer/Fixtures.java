package dev.tether.media.internal.serializer;

import dev.tether.media.WireMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The recorded provider messages under {@code src/test/resources/telephony}. */
final class Fixtures {
    private Fixtures() {}

    static String json(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/telephony/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static WireMessage text(String name) {
        return WireMessage.text(json(name));
    }
}
