package dev.tether.media.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jspecify.annotations.Nullable;

/** The little of RTVI the transport speaks itself: answering a client's {@code client-ready} with {@code bot-ready}. */
final class Rtvi {
    static final String LABEL = "rtvi-ai";
    static final String VERSION = "2.1.0";

    private Rtvi() {}

    /** The {@code bot-ready} answer when {@code message} is an RTVI {@code client-ready}; {@code null} otherwise. */
    static @Nullable ObjectNode answer(JsonNode message) {
        if (!message.isObject()
                || !LABEL.equals(message.path("label").asText(null))
                || !"client-ready".equals(message.path("type").asText(null))) {
            return null;
        }
        ObjectNode ready = JsonNodeFactory.instance.objectNode();
        ready.put("label", LABEL);
        ready.put("type", "bot-ready");
        JsonNode id = message.get("id");
        ready.set("id", id == null ? JsonNodeFactory.instance.nullNode() : id.deepCopy());
        ready.putObject("data").put("version", VERSION);
        return ready;
    }
}
