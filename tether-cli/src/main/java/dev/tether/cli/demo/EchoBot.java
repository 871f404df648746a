package dev.tether.cli.demo;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.media.AudioInFrame;
import dev.tether.media.AudioOutFrame;
import dev.tether.media.MediaFrame;
import dev.tether.media.MediaHandler;
import dev.tether.media.MediaSession;
import dev.tether.media.TransportMessageFrame;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The demo's voice bot: it plays the caller's audio back after {@link #DELAY}. It collects what the caller says
 * until it holds that much, then writes it all back at once as {@link AudioOutFrame}s at the caller's rate, which the
 * transport paces by the frames' own rate; the next second collects meanwhile. Before each echo it tells an RTVI
 * client what it does with a {@code server-message} (a telephony serializer drops those).
 *
 * <p>Runs on each connection's I/O thread (the {@link MediaHandler} contract), so the per-session buffer needs no
 * lock.
 */
final class EchoBot implements MediaHandler {
    /** How much audio the bot collects before it plays it back. */
    static final Duration DELAY = Duration.ofSeconds(1);

    private static final String BUFFER = "echo.buffer";

    @Override
    public void onConnect(MediaSession session) {
        session.attributes().put(BUFFER, new Buffer());
    }

    @Override
    public void onFrame(MediaSession session, MediaFrame frame) {
        if (frame instanceof AudioInFrame in && session.attributes().get(BUFFER) instanceof Buffer buffer) {
            buffer.add(in);
            if (buffer.micros >= DELAY.toNanos() / 1000) {
                say(session, String.format(Locale.ROOT, "echoing %.1f s of your audio", buffer.micros / 1e6));
                for (AudioInFrame held : buffer.frames) {
                    session.write(new AudioOutFrame(held.audio(), held.sampleRate(), held.channels()));
                }
                buffer.clear();
            }
        } else if (frame instanceof TransportMessageFrame message
                && "client-ready".equals(message.message().path("type").asText())) {
            say(session, "Hello! Say something: I play it back " + DELAY.toSeconds() + " s later.");
        }
    }

    /** Sends an RTVI {@code server-message} with {@code text}, in order with the audio. */
    private static void say(MediaSession session, String text) {
        ObjectNode message = JsonNodeFactory.instance.objectNode();
        message.put("label", "rtvi-ai");
        message.put("type", "server-message");
        message.putObject("data").put("text", text);
        session.write(new TransportMessageFrame(message));
    }

    /** Audio collected since the last echo. */
    private static final class Buffer {
        final List<AudioInFrame> frames = new ArrayList<>();
        long micros;

        void add(AudioInFrame frame) {
            frames.add(frame);
            micros += frame.frames() * 1_000_000L / frame.sampleRate();
        }

        void clear() {
            frames.clear();
            micros = 0;
        }
    }
}
