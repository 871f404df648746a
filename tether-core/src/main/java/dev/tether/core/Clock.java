package dev.tether.core;

import dev.tether.core.internal.HandedOverTask;
import dev.tether.core.internal.SystemClock;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The source of time for every delay and timeout in Tether: backoff waits, connect and handshake timeouts,
 * heartbeats, close timeouts, supervisor budgets.
 *
 * <p>Production code uses {@link #system()}; tests inject a {@link ManualClock} and move time by hand, so
 * that a scenario with minutes of backoff runs at once and exactly.
 *
 * <p>Implementations are thread-safe. Tasks run on a thread of the clock's choosing and must be short and
 * never block: Tether's tasks only hand work over to the right event loop.
 */
public interface Clock {

    /** The current time in nanoseconds, for measuring intervals only (like {@link System#nanoTime()}). */
    long nanoTime();

    /**
     * Runs {@code task} once, {@code delay} from now. A zero or negative delay runs it as soon as possible,
     * never on the calling thread.
     */
    Cancellable schedule(Duration delay, Runnable task);

    /**
     * Runs {@code task} once on {@code executor}, {@code delay} from now: the timer of a connection, whose work
     * belongs on its event loop. Once {@code cancel()} has returned on the executor's thread, the task does not run,
     * even if it was already on its way there.
     *
     * <p>The system clock uses the executor's own timer (a Netty event loop's), so production pays no hand-over;
     * other clocks, such as a {@link ManualClock}, fire at their own time and hand the task to the executor. A
     * task the executor refuses (it shut down) is dropped.
     */
    default Cancellable schedule(Duration delay, Runnable task, ScheduledExecutorService executor) {
        HandedOverTask handedOver = new HandedOverTask(task);
        handedOver.clockTask(schedule(delay, () -> {
            try {
                executor.execute(handedOver);
            } catch (RejectedExecutionException shutDown) {
                handedOver.cancel();
            }
        }));
        return handedOver;
    }

    /**
     * The clock of the real world: {@link System#nanoTime()}, and one shared daemon thread
     * ({@code tether-clock}) that runs due tasks.
     */
    static Clock system() {
        return SystemClock.INSTANCE;
    }
}
