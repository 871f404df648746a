package dev.tether.media.internal.serializer;

import dev.tether.media.HangUpSerializer;
import dev.tether.media.MediaFrame;
import dev.tether.media.PlivoOptions;
import dev.tether.media.WireMessage;
import dev.tether.media.internal.audio.G711;
import java.util.Base64;
import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;

/** Plivo audio streaming: 8 kHz µ-law, {@code playAudio} out, {@code clearAudio} on interruption, hang-up by REST. */
public final class PlivoSerializer extends TelephonySerializer implements HangUpSerializer {
    static final int RATE = 8000;

    private final String streamId;

    public PlivoSerializer(PlivoOptions options) {
        super(
                LoggerFactory.getLogger(PlivoSerializer.class),
                RATE,
                options.autoHangUp()
                        ? CallHangUp.plivo(
                                options.baseUrl(),
                                options.authId(),
                                options.authToken(),
                                options.callId(),
                                options.hangUpTimeout())
                        : null);
        this.streamId = options.streamId();
    }

    @Override
    WireMessage clear() {
        return WireMessage.text(
                Json.write(Json.object().put("event", "clearAudio").put("streamId", streamId)));
    }

    @Override
    WireMessage audio(byte[] pcm) {
        String payload = Base64.getEncoder().encodeToString(G711.pcmToUlaw(pcm));
        return WireMessage.text(Json.write(Json.object()
                .put("event", "playAudio")
                .<com.fasterxml.jackson.databind.node.ObjectNode>set(
                        "media",
                        Json.object()
                                .put("contentType", "audio/x-mulaw")
                                .put("sampleRate", RATE)
                                .put("payload", payload))
                .put("streamId", streamId)));
    }

    @Override
    @Nullable
    MediaFrame read(WireMessage message) {
        return readJsonEvent(message);
    }

    @Override
    byte[] decode(byte[] encoded) {
        return G711.ulawToPcm(encoded);
    }
}
