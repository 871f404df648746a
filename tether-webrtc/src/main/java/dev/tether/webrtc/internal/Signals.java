package dev.tether.webrtc.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import org.jspecify.annotations.Nullable;

/** The data channel's own messages: {@code {"type":"signalling","message":{...}}}. */
final class Signals {
    static final String RENEGOTIATE = "{\"type\":\"signalling\",\"message\":{\"type\":\"renegotiate\"}}";
    static final String PEER_LEFT = "{\"type\":\"signalling\",\"message\":{\"type\":\"peerLeft\"}}";

    private Signals() {}

    /** {@code text} as JSON; {@code null} when it is not JSON (the application's serializer decides then). */
    static @Nullable JsonNode parse(String text) {
        try {
            return PeerSerializer.JSON.readTree(text);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    /** The {@code message} object of a signalling message; {@code null} for anything else. */
    static @Nullable JsonNode signal(@Nullable JsonNode json) {
        if (json == null
                || !json.isObject()
                || !"signalling".equals(json.path("type").asText(null))) {
            return null;
        }
        JsonNode message = json.get("message");
        return message != null && message.isObject() ? message : null;
    }
}
