package dev.tether.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link Clock#schedule(Duration, Runnable, ScheduledExecutorService)}: timers that run on a connection's loop. */
class ClockOnExecutorTest {
    private final ScheduledExecutorService loop =
            Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "loop"));
    private final List<String> ran = new CopyOnWriteArrayList<>();

    @AfterEach
    void stopLoop() {
        loop.shutdownNow();
    }

    /** Waits until every task handed to the loop before this call has run. */
    private void drainLoop() throws Exception {
        loop.submit(() -> {}).get(5, TimeUnit.SECONDS);
    }

    @Test
    void manualClockHandsTheDueTaskToTheExecutor() throws Exception {
        ManualClock clock = new ManualClock();
        clock.schedule(
                Duration.ofSeconds(30), () -> ran.add(Thread.currentThread().getName()), loop);

        clock.advance(Duration.ofSeconds(29));
        drainLoop();
        assertThat(ran).isEmpty();

        clock.advance(Duration.ofSeconds(1));
        drainLoop();
        assertThat(ran).containsExactly("loop");
    }

    @Test
    void taskCancelledOnItsWayToTheExecutorDoesNotRun() throws Exception {
        ManualClock clock = new ManualClock();
        CountDownLatch blocked = new CountDownLatch(1);
        loop.execute(() -> {
            try {
                blocked.await(); // the loop is busy while the clock hands the task over
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Cancellable timer = clock.schedule(Duration.ofSeconds(1), () -> ran.add("ran"), loop);

        clock.advance(Duration.ofSeconds(1)); // handed to the loop, which has not run it yet
        boolean prevented = timer.cancel();
        blocked.countDown();
        drainLoop();

        assertThat(prevented).isTrue();
        assertThat(ran).isEmpty();
    }

    @Test
    void systemClockRunsTheTaskOnTheExecutor() throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        Clock.system()
                .schedule(
                        Duration.ofMillis(1),
                        () -> {
                            ran.add(Thread.currentThread().getName());
                            done.countDown();
                        },
                        loop);

        assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(ran).containsExactly("loop");
    }

    @Test
    void cancelledSystemTimerNeverRuns() throws Exception {
        Cancellable timer = Clock.system().schedule(Duration.ofHours(1), () -> ran.add("ran"), loop);

        assertThat(timer.cancel()).isTrue();
        assertThat(timer.cancel()).isFalse();
    }
}
