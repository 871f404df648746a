package dev.tether.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import org.jspecify.annotations.Nullable;

/**
 * A {@link Clock} that stands still until a test moves it with {@link #advance(Duration)}.
 *
 * <p>Made for tests: a reconnect scenario with minutes of backoff runs in milliseconds, and exactly. Time
 * starts at zero. {@code advance} runs every task that falls due, in order of due time (tasks due at the same
 * instant in the order they were scheduled), on the calling thread, with {@link #nanoTime()} reading each
 * task's due time while it runs; a task that schedules another task within the advanced interval sees it run
 * too. A task scheduled with a zero delay runs at the next {@code advance} (even {@code advance(Duration.ZERO)}).
 *
 * <p>Thread-safe. Tether's own tasks only hand work to an event loop, so after {@code advance} returns the
 * work may still be running there: wait for its effect (an event), not for {@code advance}.
 */
public final class ManualClock implements Clock {
    private final PriorityQueue<Task> tasks = new PriorityQueue<>();
    private long now;
    private long sequence;

    /** A clock at time zero with nothing scheduled. */
    public ManualClock() {}

    @Override
    public synchronized long nanoTime() {
        return now;
    }

    /** The time elapsed since this clock was created. */
    public synchronized Duration elapsed() {
        return Duration.ofNanos(now);
    }

    @Override
    public synchronized Cancellable schedule(Duration delay, Runnable task) {
        long nanos = Math.max(0, Durations.saturatedNanos(delay));
        long due = now + nanos < now ? Long.MAX_VALUE : now + nanos;
        Task scheduled = new Task(due, sequence++, task);
        tasks.add(scheduled);
        notifyAll();
        return () -> {
            synchronized (ManualClock.this) {
                return tasks.remove(scheduled);
            }
        };
    }

    /**
     * Moves time forward by {@code duration}, running every task that falls due on the way.
     *
     * @throws IllegalArgumentException if {@code duration} is negative
     */
    public void advance(Duration duration) {
        if (duration.isNegative()) {
            throw new IllegalArgumentException("duration: " + duration + " (expected: >= 0)");
        }
        long target;
        synchronized (this) {
            long nanos = Durations.saturatedNanos(duration);
            target = now + nanos < now ? Long.MAX_VALUE : now + nanos;
        }
        while (true) {
            Task next;
            synchronized (this) {
                Task head = tasks.peek();
                if (head == null || head.due > target) {
                    now = Math.max(now, target);
                    return;
                }
                next = tasks.remove();
                now = Math.max(now, next.due);
            }
            next.task.run();
        }
    }

    /** The number of tasks scheduled and not yet run or cancelled. */
    public synchronized int pendingTasks() {
        return tasks.size();
    }

    /** How long until the next task falls due, or {@code null} when nothing is scheduled. */
    public synchronized @Nullable Duration nextDue() {
        Task head = tasks.peek();
        return head == null ? null : Duration.ofNanos(head.due - now);
    }

    /** The delays from now of every pending task, soonest first; for assertions and failure messages. */
    public synchronized List<Duration> pendingDelays() {
        List<Task> sorted = new ArrayList<>(tasks);
        sorted.sort(null);
        List<Duration> delays = new ArrayList<>(sorted.size());
        for (Task task : sorted) {
            delays.add(Duration.ofNanos(task.due - now));
        }
        return delays;
    }

    /**
     * Waits (on this thread, with a real-time limit) until at least {@code count} tasks are pending. Lets a
     * test synchronise with work that another thread schedules before it moves time.
     *
     * @return whether the count was reached within {@code timeout}
     */
    public synchronized boolean awaitPendingTasks(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + Durations.saturatedNanos(timeout);
        while (tasks.size() < count) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }

    @Override
    public synchronized String toString() {
        return "ManualClock(elapsed=" + Duration.ofNanos(now) + ", pending=" + tasks.size() + ")";
    }

    private static final class Task implements Comparable<Task> {
        final long due;
        final long sequence;
        final Runnable task;

        Task(long due, long sequence, Runnable task) {
            this.due = due;
            this.sequence = sequence;
            this.task = task;
        }

        @Override
        public int compareTo(Task other) {
            int byDue = Long.compare(due, other.due);
            return byDue != 0 ? byDue : Long.compare(sequence, other.sequence);
        }
    }
}
