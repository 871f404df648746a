package dev.tether.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.tether.core.Packet;
import dev.tether.core.PacketCodecs;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/** JSON on the command line: arguments in, results and packets out, one line each. */
final class Json {
    private static final ObjectMapper MAPPER = PacketCodecs.jsonMapper();
    private static final ObjectReader ARGUMENT =
            MAPPER.readerFor(Object.class).with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private Json() {}

    /**
     * A command-line argument as a value: a JSON literal ({@code 10}, {@code "x"}, {@code {"a":1}}, {@code true},
     * {@code null}) is read as JSON; anything else (a plain word such as {@code hello}) is that string.
     */
    static @Nullable Object parseArgument(String text) {
        try {
            return ARGUMENT.readValue(text);
        } catch (JsonProcessingException notJson) {
            return text;
        }
    }

    /** A decoded value as one line of compact JSON (bytes as base64, as the JSON wire format writes them). */
    static String write(@Nullable Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("value: " + value + " (expected: something JSON can hold)", e);
        }
    }

    /** A packet as the JSON wire format writes it: all six keys, one line. */
    static String write(Packet packet) {
        return new String(PacketCodecs.json().encode(packet), StandardCharsets.UTF_8);
    }
}
