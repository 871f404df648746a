package dev.tether.media.internal.serializer;

import dev.tether.media.ExotelOptions;
import dev.tether.media.MediaFrame;
import dev.tether.media.WireMessage;
import java.util.Base64;
import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;

/** Exotel media streams: 8 kHz 16-bit PCM in base64 JSON, {@code clear} on interruption; no hang-up. */
public final class ExotelSerializer extends TelephonySerializer {
    static final int RATE = 8000;

    private final String streamSid;

    public ExotelSerializer(ExotelOptions options) {
        super(LoggerFactory.getLogger(ExotelSerializer.class), RATE, null);
        this.streamSid = options.streamSid();
    }

    @Override
    WireMessage clear() {
        return WireMessage.text(Json.write(Json.object().put("event", "clear").put("stream_sid", streamSid)));
    }

    @Override
    WireMessage audio(byte[] pcm) {
        return WireMessage.text(Json.write(Json.object()
                .put("event", "media")
                .put("stream_sid", streamSid)
                .set("media", Json.object().put("payload", Base64.getEncoder().encodeToString(pcm)))));
    }

    @Override
    @Nullable
    MediaFrame read(WireMessage message) {
        return readJsonEvent(message);
    }

    @Override
    byte[] decode(byte[] encoded) {
        return encoded;
    }
}
