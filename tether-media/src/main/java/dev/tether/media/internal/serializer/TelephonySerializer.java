package dev.tether.media.internal.serializer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tether.media.AudioInFrame;
import dev.tether.media.AudioOutFrame;
import dev.tether.media.CancelFrame;
import dev.tether.media.DtmfFrame;
import dev.tether.media.EndFrame;
import dev.tether.media.FrameSerializer;
import dev.tether.media.InterruptionFrame;
import dev.tether.media.MediaFrame;
import dev.tether.media.MediaRates;
import dev.tether.media.TransportMessageFrame;
import dev.tether.media.WireMessage;
import dev.tether.media.internal.audio.Resampler;
import java.util.Base64;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/**
 * What the telephony serializers share: the two resamplers (the provider's rate to the pipeline's input rate, each
 * outbound frame's rate to the provider's), the frame dispatch, DTMF digits, dropping RTVI messages, and the once-only
 * hang-up on end or cancel. Each call gets its own instance, used from one thread; resampler state is per instance and
 * per direction.
 */
abstract class TelephonySerializer implements FrameSerializer {
    protected final Logger log;
    private final int wireRate;
    private final UnhandledFrames unhandled;
    private final @Nullable CallHangUp hangUp;
    private int inputRate;
    private @Nullable Resampler inbound;
    private @Nullable Resampler outbound;

    /**
     * @param wireRate the provider's sample rate
     * @param hangUp the call's hang-up, or {@code null} when end and cancel only end the stream
     */
    TelephonySerializer(Logger log, int wireRate, @Nullable CallHangUp hangUp) {
        this.log = log;
        this.wireRate = wireRate;
        this.inputRate = wireRate;
        this.unhandled = new UnhandledFrames(log);
        this.hangUp = hangUp;
    }

    /**
     * Takes the pipeline's input rate for inbound audio.
     *
     * @throws IllegalArgumentException when the resampler cannot convert between that rate and the provider's
     */
    @Override
    public void setup(MediaRates rates) {
        inbound = Resampler.create(wireRate, rates.inputSampleRate());
        inputRate = rates.inputSampleRate();
    }

    /** The message that tells the provider to drop the audio it has queued. */
    abstract WireMessage clear();

    /** The message carrying {@code pcm}, mono 16-bit PCM at the provider's rate and not empty. */
    abstract WireMessage audio(byte[] pcm);

    /** The message for a transport message that is not RTVI's: its JSON as text, unless a provider overrides. */
    @Nullable
    WireMessage transportMessage(TransportMessageFrame frame) {
        return WireMessage.text(Json.write(frame.message()));
    }

    /** The frame a message stands for; may throw on hostile input, which {@link #deserialize} turns into null. */
    abstract @Nullable MediaFrame read(WireMessage message);

    @Override
    public final @Nullable WireMessage serialize(MediaFrame frame) {
        if (frame instanceof EndFrame || frame instanceof CancelFrame) {
            if (hangUp != null) {
                hangUp.start();
            }
            return null;
        }
        if (frame instanceof InterruptionFrame) {
            return clear();
        }
        if (frame instanceof AudioOutFrame audio) {
            byte[] pcm;
            try {
                pcm = toWireRate(audio);
            } catch (IllegalArgumentException e) {
                log.warn("Dropping audio the resampler cannot convert: {}", e.getMessage());
                return null;
            }
            return pcm.length == 0 ? null : audio(pcm);
        }
        if (frame instanceof TransportMessageFrame message) {
            if (Json.isRtvi(message.message())) {
                log.debug("Dropping an RTVI message: telephony clients do not speak RTVI");
                return null;
            }
            return transportMessage(message);
        }
        unhandled.report(frame);
        return null;
    }

    /** The outbound resampler's held-back last milliseconds as one more audio message; the stream starts anew. */
    @Override
    public final @Nullable WireMessage flush() {
        Resampler resampler = outbound;
        if (resampler == null) {
            return null;
        }
        byte[] tail = resampler.flush();
        return tail.length == 0 ? null : audio(tail);
    }

    @Override
    public final @Nullable MediaFrame deserialize(WireMessage message) {
        try {
            return read(message);
        } catch (RuntimeException e) {
            log.warn("Ignoring a message that could not be read: {}", e.toString());
            return null;
        }
    }

    /** The frame of a JSON {@code media}/{@code dtmf} event, the shape Twilio, Telnyx, Plivo and Exotel share. */
    final @Nullable MediaFrame readJsonEvent(WireMessage message) {
        if (!(message instanceof WireMessage.Text text)) {
            log.debug("Ignoring a binary message: this provider sends JSON text");
            return null;
        }
        JsonNode json = Json.parse(text.text());
        if (json == null || !json.isObject()) {
            log.warn("Ignoring a message that is not a JSON object: {}", Json.excerpt(text.text()));
            return null;
        }
        String event = Json.text(json, "event");
        if ("media".equals(event)) {
            String payload = Json.text(json.path("media"), "payload");
            if (payload == null || payload.isEmpty()) {
                log.debug("Ignoring a media event without payload");
                return null;
            }
            byte[] encoded;
            try {
                encoded = Base64.getDecoder().decode(payload);
            } catch (IllegalArgumentException e) {
                log.warn("Ignoring a media event whose payload is not base64: {}", e.getMessage());
                return null;
            }
            byte[] pcm = decode(encoded);
            return pcm == null ? null : audioIn(pcm);
        }
        if ("dtmf".equals(event)) {
            return dtmf(json.path("dtmf").path("digit"));
        }
        log.debug("Ignoring the {} event", event);
        return null;
    }

    /** The provider's wire audio as PCM at its own rate, or {@code null} when it cannot be. */
    @Nullable
    byte[] decode(byte[] encoded) {
        throw new UnsupportedOperationException("not a JSON media provider");
    }

    /** {@code pcm} at the provider's rate as an audio-in frame at the pipeline's input rate; null when none is left. */
    final @Nullable AudioInFrame audioIn(byte[] pcm) {
        if ((pcm.length & 1) != 0) {
            log.warn("Ignoring {} bytes of audio: 16-bit samples come in an even number of bytes", pcm.length);
            return null;
        }
        Resampler resampler = inbound;
        if (resampler == null) {
            resampler = Resampler.create(wireRate, inputRate);
            inbound = resampler;
        }
        byte[] converted = resampler.process(pcm);
        return converted.length == 0 ? null : new AudioInFrame(converted, inputRate, 1);
    }

    /** A DTMF frame for a digit, or {@code null} (logged) when it is not one key of {@code 0-9 * # A-D}. */
    final @Nullable DtmfFrame dtmf(JsonNode digit) {
        String text = digit.isValueNode() && !digit.isNull() ? digit.asText() : "";
        if (text.length() != 1 || !DtmfFrame.isDigit(text.charAt(0))) {
            log.warn("Ignoring an invalid DTMF digit: {}", Json.excerpt(digit.toString()));
            return null;
        }
        return new DtmfFrame(text.charAt(0));
    }

    /** {@code frame}'s audio as mono PCM at the provider's rate; the resampler follows the frame's rate. */
    private byte[] toWireRate(AudioOutFrame frame) {
        Resampler resampler = outbound;
        if (resampler == null || resampler.fromRate() != frame.sampleRate()) {
            // A new rate restarts the stream: the old resampler's few buffered samples belong to the old rate.
            resampler = Resampler.create(frame.sampleRate(), wireRate);
            outbound = resampler;
        }
        return resampler.process(mono(frame.audio(), frame.channels()));
    }

    /** Interleaved PCM down-mixed by averaging; providers take one channel. */
    static byte[] mono(byte[] pcm, int channels) {
        if (channels == 1) {
            return pcm;
        }
        int frames = pcm.length / (2 * channels);
        byte[] out = new byte[frames * 2];
        for (int f = 0; f < frames; f++) {
            int sum = 0;
            for (int c = 0; c < channels; c++) {
                int i = (f * channels + c) * 2;
                sum += (short) ((pcm[i] & 0xff) | (pcm[i + 1] << 8));
            }
            int sample = sum / channels;
            out[2 * f] = (byte) sample;
            out[2 * f + 1] = (byte) (sample >> 8);
        }
        return out;
    }

    /** Whether end and cancel hang up; {@code HangUpSerializer#autoHangUp()} for the providers that can. */
    public final boolean autoHangUp() {
        return hangUp != null;
    }

    /** {@code HangUpSerializer#hangUpCompletion()} for the providers that can hang up. */
    public final CompletionStage<Void> hangUpCompletion() {
        return hangUp == null ? CallHangUp.disabled() : hangUp.completion();
    }
}
