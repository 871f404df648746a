package dev.tether.webrtc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.media.AudioInFrame;
import dev.tether.media.AudioOutFrame;
import dev.tether.media.MediaFrame;
import dev.tether.media.MediaHandler;
import dev.tether.media.MediaSession;
import dev.tether.media.TransportMessageFrame;
import dev.tether.server.CloseStatus;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** A recording handler that echoes audio and answers each application message with {@code {"echo": message}}. */
class EchoBot implements MediaHandler {
    final BlockingQueue<MediaSession> connects = new LinkedBlockingQueue<>();
    final BlockingQueue<CloseStatus> disconnects = new LinkedBlockingQueue<>();
    final BlockingQueue<TransportMessageFrame> messages = new LinkedBlockingQueue<>();
    final AtomicLong audioFrames = new AtomicLong();
    final AtomicInteger audioRate = new AtomicInteger();
    final AtomicInteger connectCount = new AtomicInteger();

    @Override
    public void onConnect(MediaSession session) {
        connectCount.incrementAndGet();
        connects.add(session);
    }

    @Override
    public void onFrame(MediaSession session, MediaFrame frame) {
        if (frame instanceof AudioInFrame in) {
            audioFrames.incrementAndGet();
            audioRate.set(in.sampleRate());
            session.write(new AudioOutFrame(in.audio(), in.sampleRate(), in.channels()));
        } else if (frame instanceof TransportMessageFrame message) {
            messages.add(message);
            if (!"rtvi-ai".equals(message.message().path("label").asText())) {
                ObjectNode echo = TestPeer.JSON.createObjectNode();
                echo.set("echo", message.message());
                session.write(new TransportMessageFrame(echo));
            }
        }
    }

    @Override
    public void onDisconnect(MediaSession session, CloseStatus status) {
        disconnects.add(status);
    }

    MediaSession awaitConnect() throws InterruptedException {
        MediaSession session = connects.poll(10, TimeUnit.SECONDS);
        if (session == null) {
            throw new AssertionError("no onConnect within 10 s");
        }
        return session;
    }

    CloseStatus awaitDisconnect() throws InterruptedException {
        CloseStatus status = disconnects.poll(20, TimeUnit.SECONDS);
        if (status == null) {
            throw new AssertionError("no onDisconnect within 20 s");
        }
        return status;
    }
}
