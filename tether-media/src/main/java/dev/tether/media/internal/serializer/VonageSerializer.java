package dev.tether.media.internal.serializer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tether.media.MediaFrame;
import dev.tether.media.VonageOptions;
import dev.tether.media.WireMessage;
import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;

/**
 * Vonage Audio Connector: 16-bit PCM (16 kHz by default) as binary frames both ways, JSON text for events and for
 * {@code {"action":"clear"}} on interruption; no hang-up.
 */
public final class VonageSerializer extends TelephonySerializer {

    public VonageSerializer(VonageOptions options) {
        super(LoggerFactory.getLogger(VonageSerializer.class), options.sampleRate(), null);
    }

    @Override
    WireMessage clear() {
        return WireMessage.text(Json.write(Json.object().put("action", "clear")));
    }

    @Override
    WireMessage audio(byte[] pcm) {
        return WireMessage.binary(pcm);
    }

    @Override
    @Nullable
    MediaFrame read(WireMessage message) {
        if (message instanceof WireMessage.Binary binary) {
            return binary.data().length == 0 ? null : audioIn(binary.data());
        }
        String text = ((WireMessage.Text) message).text();
        JsonNode json = Json.parse(text);
        if (json == null || !json.isObject()) {
            log.warn("Ignoring a message that is not a JSON object: {}", Json.excerpt(text));
            return null;
        }
        String event = Json.text(json, "event");
        if ("websocket:dtmf".equals(event)) {
            JsonNode digit =
                    json.has("digit") ? json.path("digit") : json.path("dtmf").path("digit");
            return dtmf(digit);
        }
        // websocket:connected, websocket:cleared, websocket:notify and the rest only inform.
        log.debug("Vonage event {}", event);
        return null;
    }
}
