package dev.tether.media.internal.serializer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jspecify.annotations.Nullable;

/** The one mapper of the serializers and the small reads they share; every input may be hostile. */
final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    static final String RTVI_LABEL = "rtvi-ai";

    private Json() {}

    /** The JSON value of {@code text}, or {@code null} when it is not JSON. */
    static @Nullable JsonNode parse(String text) {
        try {
            JsonNode node = MAPPER.readTree(text);
            return node == null || node.isMissingNode() ? null : node;
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** Compact JSON text; a tree of nodes always writes. */
    static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree did not write", e);
        }
    }

    /** {@code node}'s field {@code name} when it is a string, else {@code null}. */
    static @Nullable String text(JsonNode node, String name) {
        JsonNode value = node.get(name);
        return value != null && value.isTextual() ? value.textValue() : null;
    }

    /** Whether a transport message is RTVI's, which only pipecat's own clients understand. */
    static boolean isRtvi(JsonNode message) {
        return RTVI_LABEL.equals(text(message, "label"));
    }

    /** A short form of untrusted text for a log line. */
    static String excerpt(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "... (" + text.length() + " chars)";
    }
}
