package dev.tether.media.internal.serializer;

import dev.tether.media.HangUpSerializer;
import dev.tether.media.MediaFrame;
import dev.tether.media.TwilioOptions;
import dev.tether.media.WireMessage;
import dev.tether.media.internal.audio.G711;
import java.util.Base64;
import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;

/** Twilio Media Streams: 8 kHz µ-law in base64 JSON, {@code clear} on interruption, hang-up by REST. */
public final class TwilioSerializer extends TelephonySerializer implements HangUpSerializer {
    static final int RATE = 8000;

    private final String streamSid;

    public TwilioSerializer(TwilioOptions options) {
        super(
                LoggerFactory.getLogger(TwilioSerializer.class),
                RATE,
                options.autoHangUp()
                        ? CallHangUp.twilio(
                                options.baseUrl(),
                                options.accountSid(),
                                options.authToken(),
                                options.callSid(),
                                options.hangUpTimeout())
                        : null);
        this.streamSid = options.streamSid();
    }

    @Override
    WireMessage clear() {
        return WireMessage.text(Json.write(Json.object().put("event", "clear").put("streamSid", streamSid)));
    }

    @Override
    WireMessage audio(byte[] pcm) {
        String payload = Base64.getEncoder().encodeToString(G711.pcmToUlaw(pcm));
        return WireMessage.text(Json.write(Json.object()
                .put("event", "media")
                .put("streamSid", streamSid)
                .set("media", Json.object().put("payload", payload))));
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
