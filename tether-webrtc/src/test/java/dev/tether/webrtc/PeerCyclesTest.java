package dev.tether.webrtc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.server.TetherServer;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * 100 connect, round trip, disconnect cycles against one signaling handler: every peer is released (the live count
 * returns to 0 and the handler hears exactly one onConnect and one onDisconnect per cycle), and the native memory,
 * heap and threads do not grow with the cycles. The numbers are printed so that they can be written down.
 */
class PeerCyclesTest {
    private static final int CYCLES = 100;
    private static final int WARM_UP = 10;
    private static final long MIB = 1024 * 1024;

    private final EchoBot bot = new EchoBot();
    private WebRtcSignaling signaling;
    private TetherServer server;
    private URI base;

    @BeforeEach
    void start() {
        signaling = WebRtcSignaling.builder(bot).build();
        server = signaling
                .mount(TetherServer.builder().host("127.0.0.1").port(0))
                .build()
                .start();
        base = URI.create("http://127.0.0.1:" + server.port() + "/");
    }

    @AfterEach
    void stop() {
        server.close();
        signaling.close();
    }

    @Test
    void hundredCyclesReleaseEveryPeerAndLeakNoMemoryOrThreads() throws Exception {
        Sample warm = null;
        Sample last = null;
        int disconnects = 0;
        java.util.List<long[]> rss = new java.util.ArrayList<>(); // {cycle, kB} from cycle 20
        for (int cycle = 1; cycle <= CYCLES; cycle++) {
            try (TestPeer peer = new TestPeer(base).connect()) {
                peer.roundTrip();
                bot.awaitConnect();
            }
            bot.awaitDisconnect();
            disconnects++;
            awaitNoConnections(cycle);
            assertThat(signaling.connections())
                    .as("connections after cycle %d", cycle)
                    .isZero();
            if (cycle % 10 == 0) {
                Sample sample = Sample.take(); // every 10 cycles, to tell steady growth from a one-off step
                System.out.printf(
                        "PeerCycles: cycle %3d: RSS %d kB, heap %d kB, threads %d%n",
                        cycle, sample.rssKb, sample.heapBytes / 1024, sample.threads);
                if (cycle >= 2 * WARM_UP) {
                    rss.add(new long[] {cycle, sample.rssKb});
                }
                if (cycle == WARM_UP) {
                    warm = sample;
                } else if (cycle == CYCLES) {
                    last = sample;
                }
            }
        }

        int cycles = CYCLES - WARM_UP;
        long rssGrowth = last.rssKb - warm.rssKb;
        long heapGrowth = last.heapBytes - warm.heapBytes;
        System.out.printf(
                "PeerCycles: from cycle %d to %d, per cycle: RSS %+.1f kB, heap %+.1f kB, threads %+.2f%n",
                WARM_UP,
                CYCLES,
                rssGrowth / (double) cycles,
                heapGrowth / 1024.0 / cycles,
                (last.threads - warm.threads) / (double) cycles);
        System.out.printf(
                "PeerCycles: RSS slope over cycles 20..100 (least squares): %+.1f kB per cycle%n", slope(rss));
        assertThat(bot.connectCount.get()).isEqualTo(CYCLES);
        assertThat(disconnects).isEqualTo(CYCLES);
        assertThat(bot.connects).isEmpty();
        assertThat(bot.disconnects).as("onDisconnects beyond one per cycle").isEmpty();
        assertThat(rssGrowth).as("RSS growth in kB from cycle 10 to 100").isLessThan(64 * 1024);
        assertThat(heapGrowth).as("heap growth after GC from cycle 10 to 100").isLessThan(16 * MIB);
        assertThat(last.threads - warm.threads)
                .as("threads from cycle 10 to 100")
                .isLessThan(10);
    }

    /** The least-squares slope of {cycle, value} points. */
    private static double slope(java.util.List<long[]> points) {
        double n = points.size();
        double sx = 0;
        double sy = 0;
        double sxy = 0;
        double sxx = 0;
        for (long[] p : points) {
            sx += p[0];
            sy += p[1];
            sxy += (double) p[0] * p[1];
            sxx += (double) p[0] * p[0];
        }
        return (n * sxy - sx * sy) / (n * sxx - sx * sx);
    }

    /** Polls the live count until it is 0; fails the cycle when it stays above 0 for 20 s. */
    private void awaitNoConnections(int cycle) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (signaling.connections() != 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(
                        "cycle " + cycle + ": " + signaling.connections() + " connections still held after 20 s");
            }
            TimeUnit.MILLISECONDS.sleep(5); // polling with a deadline, not waiting for a guessed time
        }
    }

    /** Resident memory, heap used after a full GC, and live threads. */
    private record Sample(long rssKb, long heapBytes, int threads) {
        static Sample take() throws IOException {
            System.gc();
            System.gc();
            Runtime runtime = Runtime.getRuntime();
            long heap = runtime.totalMemory() - runtime.freeMemory();
            return new Sample(
                    readRssKb(), heap, ManagementFactory.getThreadMXBean().getThreadCount());
        }

        static long readRssKb() throws IOException {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
            throw new IllegalStateException("/proc/self/status: no VmRSS line");
        }
    }
}
