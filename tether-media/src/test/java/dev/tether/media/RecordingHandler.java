package dev.tether.media;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.server.CloseStatus;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/** Records a media handler's callbacks; every {@code await} waits at most 5 s. */
class RecordingHandler implements MediaHandler {
    final BlockingQueue<MediaSession> connects = new LinkedBlockingQueue<>();
    final BlockingQueue<MediaFrame> frames = new LinkedBlockingQueue<>();
    final BlockingQueue<MediaSession> timeouts = new LinkedBlockingQueue<>();
    final BlockingQueue<CloseStatus> disconnects = new LinkedBlockingQueue<>();
    final AtomicInteger disconnectCount = new AtomicInteger();

    @Override
    public void onConnect(MediaSession session) {
        connects.add(session);
    }

    @Override
    public void onFrame(MediaSession session, MediaFrame frame) {
        frames.add(frame);
    }

    @Override
    public void onSessionTimeout(MediaSession session) {
        timeouts.add(session);
    }

    @Override
    public void onDisconnect(MediaSession session, CloseStatus status) {
        disconnectCount.incrementAndGet();
        disconnects.add(status);
    }

    MediaSession awaitConnect() {
        return await(connects, "onConnect");
    }

    MediaFrame awaitFrame() {
        return await(frames, "onFrame");
    }

    CloseStatus awaitDisconnect() {
        return await(disconnects, "onDisconnect");
    }

    static <T> T await(BlockingQueue<T> queue, String what) {
        try {
            @Nullable T value = queue.poll(5, TimeUnit.SECONDS);
            assertThat(value).as(what + " within 5 s").isNotNull();
            return value;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
