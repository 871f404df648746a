package dev.tether.media.internal.serializer;

import dev.tether.media.FrameSerializer;
import dev.tether.media.FrameSerializers;
import dev.tether.media.HangUpSerializer;
import dev.tether.media.MediaCloseException;
import dev.tether.media.MediaFrame;
import dev.tether.media.MediaRates;
import dev.tether.media.TelephonyCall;
import dev.tether.media.TelephonyCallFrame;
import dev.tether.media.TelephonyDetection;
import dev.tether.media.TelephonyDetectionException;
import dev.tether.media.TelephonyOptions;
import dev.tether.media.WireMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The telephony route's serializer: reads the provider from the call's first text messages, then hands everything to
 * that provider's serializer. Before it knows the provider it is not {@link #isReady() ready} (the transport keeps
 * outbound audio queued) and every message it reads gives nothing but the start, which gives the
 * {@link TelephonyCallFrame}. It is a {@link HangUpSerializer} so the transport waits for the provider's hang-up.
 */
public final class DetectingSerializer implements HangUpSerializer {
    /** The close code for an unknown provider: its messages are ones this endpoint does not accept. */
    static final int UNSUPPORTED = 1008;

    private static final Logger log = LoggerFactory.getLogger(DetectingSerializer.class);

    private final TelephonyOptions options;
    private final List<String> handshake = new ArrayList<>(TelephonyDetection.HANDSHAKE_MESSAGES);
    private @Nullable MediaRates rates;
    private @Nullable FrameSerializer delegate;
    private boolean failed;

    public DetectingSerializer(TelephonyOptions options) {
        this.options = options;
    }

    @Override
    public void setup(MediaRates rates) {
        this.rates = rates;
    }

    @Override
    public boolean isReady() {
        return delegate != null;
    }

    @Override
    public @Nullable WireMessage serialize(MediaFrame frame) {
        FrameSerializer serializer = delegate;
        return serializer == null ? null : serializer.serialize(frame);
    }

    @Override
    public @Nullable WireMessage flush() {
        FrameSerializer serializer = delegate;
        return serializer == null ? null : serializer.flush();
    }

    /**
     * @throws MediaCloseException 1008 with pipecat's {@code Unsupported telephony provider} text when the first two
     *     text messages name no provider; 1011 when the provider's serializer cannot be made (auto hang-up without
     *     credentials)
     */
    @Override
    public @Nullable MediaFrame deserialize(WireMessage message) {
        FrameSerializer serializer = delegate;
        if (serializer != null) {
            return serializer.deserialize(message);
        }
        if (failed) {
            return null;
        }
        if (!(message instanceof WireMessage.Text text)) {
            log.debug("Ignoring a binary message before the telephony provider is known");
            return null;
        }
        handshake.add(text.text());
        TelephonyCall call = TelephonyDetection.recognize(text.text());
        if (call != null) {
            log.debug(
                    "Detected telephony provider {} from message {}",
                    call.provider().wireName(),
                    handshake.size());
            return start(call);
        }
        if (handshake.size() < TelephonyDetection.HANDSHAKE_MESSAGES) {
            return null; // a connected event: the start follows
        }
        failed = true;
        try {
            TelephonyDetection.detect(handshake); // logs and throws: neither message matched
            throw new IllegalStateException("detect() recognized what recognize() did not");
        } catch (TelephonyDetectionException e) {
            throw new MediaCloseException(UNSUPPORTED, String.valueOf(e.getMessage()));
        }
    }

    private TelephonyCallFrame start(TelephonyCall call) {
        FrameSerializer serializer;
        try {
            serializer = FrameSerializers.telephony(call, options);
        } catch (IllegalArgumentException e) {
            failed = true;
            log.error("Cannot serve the {} call {}: {}", call.provider().wireName(), call.callId(), e.getMessage());
            throw new MediaCloseException(1011, String.valueOf(e.getMessage()));
        }
        if (rates != null) {
            serializer.setup(rates);
        }
        delegate = serializer;
        return new TelephonyCallFrame(call);
    }

    @Override
    public void closed() {
        FrameSerializer serializer = delegate;
        if (serializer != null) {
            serializer.closed();
            return;
        }
        if (failed) {
            return;
        }
        try {
            TelephonyCall call = TelephonyDetection.detect(handshake); // warns when it got only one message
            log.info("The {} call {} closed before it started", call.provider().wireName(), call.callId());
        } catch (TelephonyDetectionException e) {
            log.warn("{}", e.getMessage());
        }
    }

    /** The provider's serializer, once the provider is known; {@code null} before. */
    public @Nullable FrameSerializer delegate() {
        return delegate;
    }

    @Override
    public boolean autoHangUp() {
        return delegate instanceof HangUpSerializer hangUp && hangUp.autoHangUp();
    }

    @Override
    public CompletionStage<Void> hangUpCompletion() {
        return delegate instanceof HangUpSerializer hangUp ? hangUp.hangUpCompletion() : CallHangUp.disabled();
    }
}
