package dev.tether.cli.bench;

import dev.tether.media.AudioInFrame;
import dev.tether.media.AudioOutFrame;
import dev.tether.media.MediaFrame;
import dev.tether.media.MediaHandler;
import dev.tether.media.MediaSession;
import dev.tether.server.TetherServer;
import dev.tether.webrtc.WebRtcSignaling;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.jspecify.annotations.Nullable;

/**
 * {@code tether bench webrtc}: N webrtc-java peers offer at once to a SmallWebRTC signaling route, then stream a
 * 440 Hz tone (one 10 ms frame every 10 ms each) that an echo bot plays back.
 *
 * <p>Setup: every peer creates its offer, gathers its candidates, posts it, sets the answer and waits until it is
 * connected with its data channel open; each peer's time from its first step to open is its setup latency, and the
 * rate is the peers connected over the time from the first offer to the last one open. Streaming: after a warm-up,
 * the process's CPU time over the window, per connection, and the audio frames each peer's playout received
 * (loud ones are the echoed tone). Without {@code --url} the server runs in this process, so the CPU is the server's
 * and the peers' together.
 */
public final class WebRtcLoad {
    private static final int MAX_CONNECTIONS = 1000;
    private static final Duration DRAIN = Duration.ofSeconds(20);

    private WebRtcLoad() {}

    /**
     * What to run.
     *
     * @param url the signaling route to offer to ({@code http://HOST:PORT/api/offer}); {@code null} starts a server
     *     with an echo bot in this process
     */
    public record Options(
            int connections,
            Duration duration,
            Duration warmup,
            @Nullable URI url) {
        public Options {
            if (connections < 1 || connections > MAX_CONNECTIONS) {
                throw new IllegalArgumentException(
                        "connections: " + connections + " (expected: 1.." + MAX_CONNECTIONS + ")");
            }
            if (duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException("duration: " + duration + " (expected: > 0)");
            }
            if (warmup.isNegative()) {
                throw new IllegalArgumentException("warmup: " + warmup + " (expected: >= 0)");
            }
        }
    }

    /** Runs the benchmark and returns what it measured; blocks for the setup, the warm-up and the duration. */
    public static WebRtcReport run(Options options) throws InterruptedException {
        EchoHandler echo = new EchoHandler();
        WebRtcSignaling signaling = null;
        TetherServer server = null;
        URI offerUrl = options.url();
        if (offerUrl == null) {
            signaling = WebRtcSignaling.builder(echo).build();
            server = signaling
                    .mount(TetherServer.builder().host("127.0.0.1").port(0))
                    .build()
                    .start();
            offerUrl = URI.create("http://127.0.0.1:" + server.port() + "/api/offer");
        }
        List<WebRtcPeer> peers = new ArrayList<>();
        ExecutorService offering = Executors.newFixedThreadPool(options.connections(), named("tether-bench-offer-"));
        ScheduledExecutorService microphone =
                Executors.newSingleThreadScheduledExecutor(named("tether-bench-microphone-"));
        try {
            for (int i = 0; i < options.connections(); i++) {
                peers.add(new WebRtcPeer(offerUrl));
            }

            // Setup: all offers at once.
            Histogram setup = new Histogram(3_600_000_000L, 3);
            AtomicLong lastOpen = new AtomicLong();
            List<Future<?>> offers = new ArrayList<>();
            long firstOffer = System.nanoTime();
            for (WebRtcPeer peer : peers) {
                offers.add(offering.submit(() -> {
                    long start = System.nanoTime();
                    peer.connect();
                    long open = System.nanoTime();
                    synchronized (setup) {
                        setup.recordValue((open - start) / 1000);
                    }
                    lastOpen.accumulateAndGet(open, Math::max);
                    return null;
                }));
            }
            List<WebRtcPeer> connected = new ArrayList<>();
            List<String> failures = new ArrayList<>();
            for (int i = 0; i < offers.size(); i++) {
                try {
                    offers.get(i).get();
                    connected.add(peers.get(i));
                } catch (java.util.concurrent.ExecutionException e) {
                    failures.add(String.valueOf(e.getCause()));
                }
            }
            double setupSeconds = connected.isEmpty() ? 0 : (lastOpen.get() - firstOffer) / 1e9;

            // Streaming: one tone frame every 10 ms to every connected peer.
            AtomicLong frameIndex = new AtomicLong();
            AtomicLong pushed = new AtomicLong();
            ScheduledFuture<?> pacing = microphone.scheduleAtFixedRate(
                    () -> {
                        long frame = frameIndex.getAndIncrement();
                        for (WebRtcPeer peer : connected) {
                            peer.pushTone(frame);
                        }
                        pushed.addAndGet(connected.size());
                    },
                    0,
                    10,
                    TimeUnit.MILLISECONDS);
            TimeUnit.NANOSECONDS.sleep(options.warmup().toNanos()); // the warm-up's length, not a guess at an event

            long received0 = sum(connected, true);
            long loud0 = sum(connected, false);
            long pushed0 = pushed.get();
            long echoIn0 = echo.framesIn.get();
            long cpu0 = LoadGenerator.generatorCpuNanos();
            long wall0 = System.nanoTime();
            TimeUnit.NANOSECONDS.sleep(options.duration().toNanos()); // the measurement window
            long cpu1 = LoadGenerator.generatorCpuNanos();
            long wall1 = System.nanoTime();
            long received = sum(connected, true) - received0;
            long loud = sum(connected, false) - loud0;
            long sent = pushed.get() - pushed0;
            long echoIn = echo.framesIn.get() - echoIn0;
            pacing.cancel(false);

            double seconds = (wall1 - wall0) / 1e9;
            double cores = cpu0 < 0 || cpu1 < 0 ? -1 : (cpu1 - cpu0) / 1e9 / seconds;
            return new WebRtcReport(
                    options,
                    offerUrl.toString(),
                    server != null,
                    connected.size(),
                    failures,
                    setupSeconds,
                    setup,
                    seconds,
                    sent,
                    received,
                    loud,
                    server != null ? echoIn : -1,
                    cores,
                    server != null ? echo.connects.get() : -1);
        } finally {
            microphone.shutdownNow();
            offering.shutdownNow();
            for (WebRtcPeer peer : peers) {
                peer.close();
            }
            if (signaling != null) {
                awaitReleased(signaling);
            }
            if (server != null) {
                server.close();
            }
            if (signaling != null) {
                signaling.close();
            }
        }
    }

    /** Waits, up to {@link #DRAIN}, until the server released every peer, so that closing it finds none. */
    private static void awaitReleased(WebRtcSignaling signaling) throws InterruptedException {
        long deadline = System.nanoTime() + DRAIN.toNanos();
        while (signaling.connections() > 0 && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(10); // polling with a deadline
        }
    }

    private static long sum(List<WebRtcPeer> peers, boolean all) {
        long total = 0;
        for (WebRtcPeer peer : peers) {
            total += all ? peer.receivedFrames.get() : peer.loudFrames.get();
        }
        return total;
    }

    private static java.util.concurrent.ThreadFactory named(String prefix) {
        AtomicInteger next = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, prefix + next.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** The in-process server's bot: plays every audio frame straight back and counts them. */
    private static final class EchoHandler implements MediaHandler {
        final AtomicLong framesIn = new AtomicLong();
        final AtomicInteger connects = new AtomicInteger();

        @Override
        public void onConnect(MediaSession session) {
            connects.incrementAndGet();
        }

        @Override
        public void onFrame(MediaSession session, MediaFrame frame) {
            if (frame instanceof AudioInFrame in) {
                framesIn.incrementAndGet();
                session.write(new AudioOutFrame(in.audio(), in.sampleRate(), in.channels()));
            }
        }
    }
}
