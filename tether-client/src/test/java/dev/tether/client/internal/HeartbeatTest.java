package dev.tether.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.ManualClock;
import io.netty.channel.DefaultEventLoop;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Ping interval, pong timeout and half-open detection on a real event loop, timed by a {@link ManualClock}: each
 * step waits for the heartbeat's own event before moving time again.
 */
class HeartbeatTest {
    private final ManualClock clock = new ManualClock();
    private final DefaultEventLoop loop = new DefaultEventLoop();
    private final BlockingQueue<Duration> pings = new LinkedBlockingQueue<>();
    private final BlockingQueue<String> halfOpen = new LinkedBlockingQueue<>();

    @AfterEach
    void stopLoop() throws Exception {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).get(10, TimeUnit.SECONDS);
    }

    private Heartbeat heartbeat(Duration interval, Duration pongTimeout) throws Exception {
        AtomicReference<Heartbeat> made = new AtomicReference<>();
        onLoop(() -> {
            Heartbeat heartbeat =
                    new Heartbeat(clock, loop, interval, pongTimeout, () -> pings.add(clock.elapsed()), halfOpen::add);
            heartbeat.start();
            made.set(heartbeat);
        });
        return made.get();
    }

    private void onLoop(Runnable task) throws Exception {
        loop.submit(task).get(10, TimeUnit.SECONDS);
    }

    /** A heartbeat that has sent its first ping, one interval after it started. */
    private Heartbeat afterFirstPing(Duration interval, Duration pongTimeout) throws Exception {
        Heartbeat heartbeat = heartbeat(interval, pongTimeout);
        clock.advance(interval);
        nextPing();
        return heartbeat;
    }

    private Duration nextPing() throws InterruptedException {
        Duration at = pings.poll(10, TimeUnit.SECONDS);
        assertThat(at).as("a ping").isNotNull();
        return at;
    }

    @Test
    void pingsEveryInterval() throws Exception {
        heartbeat(Duration.ofSeconds(10), Duration.ofSeconds(60)); // no pongs: the deadline is 70 s

        for (int n = 1; n <= 3; n++) {
            clock.advance(Duration.ofSeconds(10));
            assertThat(nextPing()).isEqualTo(Duration.ofSeconds(10L * n));
        }
    }

    @Test
    void noPongWithinTheTimeoutReportsTheConnectionHalfOpen() throws Exception {
        afterFirstPing(Duration.ofSeconds(30), Duration.ofSeconds(15));

        clock.advance(Duration.ofSeconds(15));

        assertThat(halfOpen.poll(10, TimeUnit.SECONDS)).isEqualTo("no pong within 15 s; the connection is half-open");
    }

    @Test
    void aPongCancelsThePongTimer() throws Exception {
        Heartbeat heartbeat = afterFirstPing(Duration.ofSeconds(30), Duration.ofSeconds(15));
        assertThat(clock.pendingDelays()).containsExactly(Duration.ofSeconds(15), Duration.ofSeconds(30));

        onLoop(heartbeat::pongReceived);

        assertThat(clock.pendingDelays()).containsExactly(Duration.ofSeconds(30)); // only the next ping
    }

    @Test
    void theDeadlineCountsFromTheOldestUnansweredPing() throws Exception {
        afterFirstPing(Duration.ofSeconds(10), Duration.ofSeconds(15)); // at 10 s: the pong is due by 25 s
        clock.advance(Duration.ofSeconds(10));
        nextPing(); // at 20 s: still awaiting the first pong, no new deadline

        assertThat(clock.pendingDelays()).containsExactly(Duration.ofSeconds(5), Duration.ofSeconds(10));
        clock.advance(Duration.ofSeconds(5));

        assertThat(halfOpen.poll(10, TimeUnit.SECONDS)).startsWith("no pong within 15 s");
    }

    @Test
    void anAnsweredPingArmsAFreshDeadlineForTheNext() throws Exception {
        Heartbeat heartbeat = afterFirstPing(Duration.ofSeconds(10), Duration.ofSeconds(15));
        onLoop(heartbeat::pongReceived);

        clock.advance(Duration.ofSeconds(10));
        nextPing();

        assertThat(clock.pendingDelays()).containsExactly(Duration.ofSeconds(10), Duration.ofSeconds(15));
    }

    @Test
    void stopCancelsEveryTimer() throws Exception {
        Heartbeat heartbeat = afterFirstPing(Duration.ofSeconds(30), Duration.ofSeconds(15));

        onLoop(heartbeat::stop);

        assertThat(clock.pendingTasks()).isZero();
    }

    @Test
    void aZeroIntervalNeverPings() throws Exception {
        heartbeat(Duration.ZERO, Duration.ofSeconds(15));

        assertThat(clock.pendingTasks()).isZero();
    }

    @Test
    void halfOpenIsReportedOnceAndThePingsStop() throws Exception {
        afterFirstPing(Duration.ofSeconds(30), Duration.ofSeconds(15));
        clock.advance(Duration.ofSeconds(15));
        assertThat(halfOpen.poll(10, TimeUnit.SECONDS)).isNotNull();

        onLoop(() -> {}); // the half-open task has finished on the loop

        assertThat(clock.pendingTasks()).isZero();
        assertThat(List.copyOf(halfOpen)).isEmpty();
    }
}
