package dev.tether.cli.bench;

import dev.tether.media.AudioOutFrame;
import dev.tether.media.FrameSerializer;
import dev.tether.media.FrameSerializers;
import dev.tether.media.MediaEndpoint;
import dev.tether.media.MediaFrame;
import dev.tether.media.MediaHandler;
import dev.tether.media.MediaRates;
import dev.tether.media.MediaSession;
import dev.tether.media.WireMessage;
import dev.tether.server.CloseStatus;
import dev.tether.server.TetherServer;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.HdrHistogram.Recorder;
import org.jspecify.annotations.Nullable;

/**
 * The in-process server of {@code tether bench media}: a {@link MediaEndpoint} on {@value #PATH} whose handler keeps
 * every session talking (one second of silence, in frames of a given length, written whenever less than half a
 * second is queued), and a
 * serializer that notes when the transport hands each chunk over, so the server's own send-time jitter is measured
 * beside the one the clients see.
 */
final class MediaBenchServer implements AutoCloseable {
    static final String PATH = "/media";
    /** Threads whose CPU time is the server's: its I/O threads and the feeder that plays the bot. */
    static final String[] THREAD_PREFIXES = {"tether-io-", "tether-media-feeder"};

    private static final Duration REFILL_BELOW = Duration.ofMillis(500);
    private static final long FEED_PERIOD_MILLIS = 100;

    private final TetherServer server;
    private final ScheduledExecutorService feeder = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread t = new Thread(task, "tether-media-feeder");
        t.setDaemon(true);
        return t;
    });
    private final Set<MediaSession> sessions = ConcurrentHashMap.newKeySet();
    private final long intervalNanos;
    /** Server side: |send − previous send − interval| in µs, and |send − ideal schedule| in µs. */
    final Recorder sendJitter = new Recorder(3);

    final Recorder sendDrift = new Recorder(3);
    final LongAdder chunksSent = new LongAdder();
    final LongAdder refusedWrites = new LongAdder();
    private volatile boolean measuring;

    /** With {@code metrics}, the server has {@code GET /metrics}, so the server's and the media meters count. */
    MediaBenchServer(int rate, int tenMsChunks, int frameMillis, boolean metrics) {
        this.intervalNanos = tenMsChunks * 10_000_000L;
        // One second as frames of frameMillis: queuedAudio() counts a frame until its last chunk has left, so with
        // one-second frames a refill below 0.5 s comes only when the queue is already empty.
        AudioOutFrame frame = new AudioOutFrame(new byte[(int) ((long) rate * frameMillis / 1000) * 2], rate, 1);
        int perSecond = Math.max(1, 1000 / frameMillis);
        Consumer<MediaSession> second = session -> {
            for (int i = 0; i < perSecond; i++) {
                if (!session.write(frame)) {
                    refusedWrites.increment();
                }
            }
        };
        MediaHandler bot = new MediaHandler() {
            @Override
            public void onConnect(MediaSession session) {
                sessions.add(session);
                second.accept(session);
            }

            @Override
            public void onDisconnect(MediaSession session, CloseStatus status) {
                sessions.remove(session);
            }
        };
        server = TetherServer.builder()
                .host("127.0.0.1")
                .port(0)
                .maxConnections(100_000)
                .metricsEndpoint(metrics)
                .webSocket(MediaEndpoint.builder(PATH, bot)
                        .serializer(() -> new TimedSerializer(FrameSerializers.protobuf()))
                        .audioOutSampleRate(rate)
                        .audioOut10msChunks(tenMsChunks)
                        .build())
                .build()
                .start();
        feeder.scheduleAtFixedRate(
                () -> {
                    for (MediaSession session : sessions) {
                        if (session.queuedAudio().compareTo(REFILL_BELOW) < 0) {
                            second.accept(session);
                        }
                    }
                },
                FEED_PERIOD_MILLIS,
                FEED_PERIOD_MILLIS,
                TimeUnit.MILLISECONDS);
    }

    int port() {
        return server.port();
    }

    /** From now on chunks are measured; each session's next chunk anchors its schedule. */
    void startMeasuring() {
        sendJitter.reset();
        sendDrift.reset();
        chunksSent.reset();
        measuring = true;
    }

    void stopMeasuring() {
        measuring = false;
    }

    @Override
    public void close() {
        feeder.shutdownNow();
        server.close();
    }

    /**
     * Delegates to pipecat's protobuf serializer and notes the time of every audio chunk it serializes: the
     * transport serializes a chunk when its pacing step sends it, right before the socket write.
     */
    private final class TimedSerializer implements FrameSerializer {
        private final FrameSerializer delegate;
        /** Used by the connection's I/O thread only, like the serializer. */
        private long previous;

        private long anchor;
        private long count;

        TimedSerializer(FrameSerializer delegate) {
            this.delegate = delegate;
        }

        @Override
        public void setup(MediaRates rates) {
            delegate.setup(rates);
        }

        @Override
        public @Nullable WireMessage serialize(MediaFrame frame) {
            if (frame instanceof AudioOutFrame) {
                long now = System.nanoTime();
                if (!measuring) {
                    previous = 0;
                } else if (previous == 0) {
                    chunksSent.increment();
                    anchor = now;
                    count = 0;
                    previous = now;
                } else {
                    chunksSent.increment();
                    count++;
                    sendJitter.recordValue(Math.abs(now - previous - intervalNanos) / 1000);
                    sendDrift.recordValue(Math.abs(now - anchor - count * intervalNanos) / 1000);
                    previous = now;
                }
            }
            return delegate.serialize(frame);
        }

        @Override
        public @Nullable MediaFrame deserialize(WireMessage message) {
            return delegate.deserialize(message);
        }
    }
}
