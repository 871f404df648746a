package dev.tether.webrtc.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tether.media.AudioOutFrame;
import dev.tether.media.FrameSerializer;
import dev.tether.media.MediaFrame;
import dev.tether.media.TransportMessageFrame;
import dev.tether.media.WireMessage;
import dev.tether.media.internal.audio.Resampler;
import java.io.UncheckedIOException;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;

/**
 * What the paced media output hands a peer connection: audio as 48 kHz mono PCM (binary messages, which the peer
 * pushes to its audio source in 10 ms frames) and transport messages as JSON text for the data channel. Other frames
 * have no form on WebRTC, as in pipecat's SmallWebRTC transport, and are not sent.
 *
 * <p>Inbound, data-channel text is a transport message; the peer delivers the remote track's audio itself.
 * One per connection, used on that connection's thread only.
 */
final class PeerSerializer implements FrameSerializer {
    static final int RATE = 48_000;
    static final ObjectMapper JSON = new ObjectMapper();

    private final BooleanSupplier connected;
    private @Nullable Resampler resampler;

    /** {@code connected} tells whether the peer connection is up: audio waits in the pacing queue until it is. */
    PeerSerializer(BooleanSupplier connected) {
        this.connected = connected;
    }

    @Override
    public boolean isReady() {
        return connected.getAsBoolean();
    }

    @Override
    public @Nullable WireMessage serialize(MediaFrame frame) {
        if (frame instanceof AudioOutFrame audio) {
            byte[] mono = audio.channels() == 1 ? audio.audio() : downmix(audio.audio(), audio.channels());
            return WireMessage.binary(resampler(audio.sampleRate()).process(mono));
        }
        if (frame instanceof TransportMessageFrame message) {
            try {
                return WireMessage.text(JSON.writeValueAsString(message.message()));
            } catch (JsonProcessingException e) {
                throw new UncheckedIOException(e);
            }
        }
        return null;
    }

    @Override
    public @Nullable MediaFrame deserialize(WireMessage message) {
        if (!(message instanceof WireMessage.Text text)) {
            return null;
        }
        try {
            JsonNode json = JSON.readTree(text.text());
            return json == null ? null : new TransportMessageFrame(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("data channel message: not JSON (" + e.getOriginalMessage() + ")", e);
        }
    }

    @Override
    public @Nullable WireMessage flush() {
        if (resampler == null) {
            return null;
        }
        byte[] tail = resampler.flush();
        return tail.length == 0 ? null : WireMessage.binary(tail);
    }

    /** The resampler from {@code rate} to 48 kHz; a new stream when the rate changes (the old one's tail is lost). */
    private Resampler resampler(int rate) {
        Resampler current = resampler;
        if (current == null || current.fromRate() != rate) {
            current = Resampler.create(rate, RATE);
            resampler = current;
        }
        return current;
    }

    /** The average of each frame's channels. */
    static byte[] downmix(byte[] pcm, int channels) {
        int frames = pcm.length / (2 * channels);
        byte[] mono = new byte[frames * 2];
        for (int f = 0; f < frames; f++) {
            int sum = 0;
            for (int c = 0; c < channels; c++) {
                int i = (f * channels + c) * 2;
                sum += (short) ((pcm[i] & 0xFF) | (pcm[i + 1] << 8));
            }
            int sample = sum / channels;
            mono[2 * f] = (byte) sample;
            mono[2 * f + 1] = (byte) (sample >> 8);
        }
        return mono;
    }
}
