package dev.tether.media;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tether.core.ManualClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.BlockingQueue;
import org.jspecify.annotations.Nullable;

/**
 * A small wire format for tests (the real serializers land separately): audio as its bytes in a binary message,
 * everything else as text ({@code msg:<json>}, {@code interrupt}, {@code end}, {@code cancel}, {@code text:<t>}).
 * Every serialized frame is recorded with the clock's time, which is when the transport sent it.
 */
final class TestSerializer implements FrameSerializer {
    static final ObjectMapper JSON = new ObjectMapper();

    /** A frame the transport sent: what, how many bytes of audio, and when (ms on the manual clock). */
    record Sent(String what, int bytes, long atMillis) {}

    private final @Nullable ManualClock clock;
    private final BlockingQueue<Sent> sent;
    volatile @Nullable MediaRates rates;

    TestSerializer(@Nullable ManualClock clock, BlockingQueue<Sent> sent) {
        this.clock = clock;
        this.sent = sent;
    }

    @Override
    public void setup(MediaRates rates) {
        this.rates = rates;
    }

    @Override
    public @Nullable WireMessage serialize(MediaFrame frame) {
        WireMessage message;
        String what;
        int bytes = 0;
        if (frame instanceof AudioOutFrame audio) {
            message = WireMessage.binary(audio.audio());
            what = "audio";
            bytes = audio.audio().length;
        } else if (frame instanceof TransportMessageFrame transport) {
            message = WireMessage.text("msg:" + transport.message());
            what = "msg:" + transport.message();
        } else if (frame instanceof InterruptionFrame) {
            message = WireMessage.text(what = "interrupt");
        } else if (frame instanceof EndFrame) {
            message = WireMessage.text(what = "end");
        } else if (frame instanceof CancelFrame) {
            message = WireMessage.text(what = "cancel");
        } else if (frame instanceof TextFrame text) {
            message = WireMessage.text(what = "text:" + text.text());
        } else {
            return null;
        }
        sent.add(new Sent(what, bytes, clock == null ? -1 : clock.elapsed().toMillis()));
        return message;
    }

    @Override
    public @Nullable MediaFrame deserialize(WireMessage message) {
        if (message instanceof WireMessage.Binary binary) {
            return new AudioInFrame(binary.data(), 16000, 1);
        }
        String text = ((WireMessage.Text) message).text();
        if (text.equals("boom")) {
            throw new IllegalStateException("test serializer: boom");
        }
        if (text.startsWith("msg:")) {
            try {
                return new TransportMessageFrame(JSON.readTree(text.substring(4)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        if (text.startsWith("dtmf:")) {
            return new DtmfFrame(text.charAt(5));
        }
        return null;
    }
}
