package dev.tether.media.internal.serializer;

import dev.tether.media.HangUpSerializer;
import dev.tether.media.MediaFrame;
import dev.tether.media.TelnyxOptions;
import dev.tether.media.TransportMessageFrame;
import dev.tether.media.WireMessage;
import dev.tether.media.internal.audio.G711;
import java.util.Base64;
import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;

/**
 * Telnyx media streaming: 8 kHz PCMU or PCMA in base64 JSON, each direction in its own law, {@code clear} on
 * interruption, hang-up by REST. Like pipecat's, it sends no transport messages: Telnyx has no event for them.
 */
public final class TelnyxSerializer extends TelephonySerializer implements HangUpSerializer {
    static final int RATE = 8000;

    private final TelnyxOptions.Encoding inboundEncoding;
    private final TelnyxOptions.Encoding outboundEncoding;
    private final UnhandledFrames unhandled;

    public TelnyxSerializer(TelnyxOptions options) {
        super(
                LoggerFactory.getLogger(TelnyxSerializer.class),
                RATE,
                options.autoHangUp()
                        ? CallHangUp.telnyx(
                                options.baseUrl(), options.apiKey(), options.callControlId(), options.hangUpTimeout())
                        : null);
        this.inboundEncoding = options.inboundEncoding();
        this.outboundEncoding = options.outboundEncoding();
        this.unhandled = new UnhandledFrames(log);
    }

    @Override
    WireMessage clear() {
        return WireMessage.text(Json.write(Json.object().put("event", "clear")));
    }

    @Override
    WireMessage audio(byte[] pcm) {
        byte[] encoded = outboundEncoding == TelnyxOptions.Encoding.PCMA ? G711.pcmToAlaw(pcm) : G711.pcmToUlaw(pcm);
        return WireMessage.text(Json.write(Json.object()
                .put("event", "media")
                .set("media", Json.object().put("payload", Base64.getEncoder().encodeToString(encoded)))));
    }

    @Override
    @Nullable
    WireMessage transportMessage(TransportMessageFrame frame) {
        unhandled.report(frame);
        return null;
    }

    @Override
    @Nullable
    MediaFrame read(WireMessage message) {
        return readJsonEvent(message);
    }

    @Override
    byte[] decode(byte[] encoded) {
        return inboundEncoding == TelnyxOptions.Encoding.PCMA ? G711.alawToPcm(encoded) : G711.ulawToPcm(encoded);
    }
}
