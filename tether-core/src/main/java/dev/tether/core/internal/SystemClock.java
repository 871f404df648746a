package dev.tether.core.internal;

import dev.tether.core.Cancellable;
import dev.tether.core.Clock;
import dev.tether.core.Durations;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/** {@link Clock#system()}: one daemon thread, created on first use, that only hands tasks on. */
public final class SystemClock implements Clock {
    public static final SystemClock INSTANCE = new SystemClock();

    // Holder idiom: the thread starts only when somebody schedules something; users that hand their own event
    // loops to Tether (which schedules on those directly) never start it.
    private static final class Timer {
        static final ScheduledThreadPoolExecutor EXECUTOR = newExecutor();

        private static ScheduledThreadPoolExecutor newExecutor() {
            ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, runnable -> {
                Thread thread = new Thread(runnable, "tether-clock");
                thread.setDaemon(true);
                return thread;
            });
            // Cancelled timeouts are the common case (most connect timeouts never fire); drop them at once.
            executor.setRemoveOnCancelPolicy(true);
            return executor;
        }
    }

    private SystemClock() {}

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public Cancellable schedule(Duration delay, Runnable task) {
        long nanos = Durations.saturatedNanos(delay);
        ScheduledFuture<?> future = Timer.EXECUTOR.schedule(task, Math.max(0, nanos), TimeUnit.NANOSECONDS);
        return () -> future.cancel(false);
    }

    @Override
    public Cancellable schedule(Duration delay, Runnable task, ScheduledExecutorService executor) {
        long nanos = Durations.saturatedNanos(delay);
        ScheduledFuture<?> future = executor.schedule(task, Math.max(0, nanos), TimeUnit.NANOSECONDS);
        return () -> future.cancel(false);
    }

    @Override
    public String toString() {
        return "Clock.system()";
    }
}
