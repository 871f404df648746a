package dev.tether.server.internal;

import dev.tether.core.Clock;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's worker executor, with its own count of the tasks given to it and not yet run to their end. The count
 * is kept here, not read from the executor's queue, so the bound holds for a fixed pool, a thread per task and an
 * application's executor alike.
 *
 * <p>Work the server may refuse (an RPC call, a stream's next pull, an HTTP request) goes through
 * {@link #executeIfRoom}, which takes it only while fewer than {@code limit} tasks count and otherwise throws
 * {@link Full} at once. Work it may not refuse (a session's callbacks, at most one task per session at a time through
 * its {@link SerialExecutor}; the closing of a cancelled stream's {@code Stream}) goes through {@link #execute}: it
 * always runs and counts, so that refusable work yields to it. Neither method blocks; both may run on an I/O thread.
 * Refusals are counted and logged at most once per {@link #LOG_INTERVAL}.
 */
public final class WorkerTasks implements Executor {
    private static final Logger log = LoggerFactory.getLogger(WorkerTasks.class);

    /** The shortest time between two log lines about refused tasks. */
    static final Duration LOG_INTERVAL = Duration.ofSeconds(10);

    private final Executor executor;
    private final int limit;
    private final Clock clock;
    private final String fullMessage;
    private final AtomicInteger pending = new AtomicInteger();
    private final LongAdder refused = new LongAdder();
    private final AtomicLong nextLogNanos;
    private final AtomicLong refusedWhenLogged = new AtomicLong();

    /**
     * Counts the tasks of {@code executor}, which must run every task it accepts; at most {@code limit} of them for
     * refusable work; {@code clock} spaces the log lines.
     */
    public WorkerTasks(Executor executor, int limit, Clock clock) {
        this.executor = executor;
        this.limit = limit;
        this.clock = clock;
        this.fullMessage = "Server busy: too many pending worker tasks (limit " + limit + "); retry later.";
        this.nextLogNanos = new AtomicLong(clock.nanoTime());
    }

    /**
     * Runs {@code task} on a worker, counted, even over the limit: for work that cannot be refused.
     *
     * @throws RejectedExecutionException if the executor refuses it (it is shutting down)
     */
    @Override
    public void execute(Runnable task) {
        pending.incrementAndGet();
        submit(task);
    }

    /**
     * Runs {@code task} on a worker if fewer than {@code limit} tasks are pending.
     *
     * @throws Full at once, if {@code limit} tasks are pending; the refusal is counted
     * @throws RejectedExecutionException if the executor refuses it (it is shutting down)
     */
    void executeIfRoom(Runnable task) {
        if (pending.incrementAndGet() > limit) {
            pending.decrementAndGet();
            refused();
            throw new Full(fullMessage);
        }
        submit(task);
    }

    private void submit(Runnable task) {
        try {
            executor.execute(() -> {
                try {
                    task.run();
                } finally {
                    pending.decrementAndGet();
                }
            });
        } catch (RuntimeException e) { // RejectedExecutionException, or whatever an application's executor throws
            pending.decrementAndGet();
            throw e;
        }
    }

    private void refused() {
        refused.increment();
        long now = clock.nanoTime();
        long next = nextLogNanos.get();
        if (now - next >= 0 && nextLogNanos.compareAndSet(next, now + LOG_INTERVAL.toNanos())) {
            long total = refused.sum();
            log.warn(
                    "Worker tasks at the limit of maxPendingWorkerTasks ({}): {} refused since the last report"
                            + " (RPC calls and stream items answered with an error, HTTP requests with 503)",
                    limit,
                    total - refusedWhenLogged.getAndSet(total));
        }
    }

    /** Tasks given to the executor that have not run to their end (queued or running). */
    int pending() {
        return pending.get();
    }

    /** Tasks refused because {@code limit} were pending, since the server started. */
    public long refusedTasks() {
        return refused.sum();
    }

    /** The message of {@link Full}, which the refused work's caller is told. */
    String fullMessage() {
        return fullMessage;
    }

    /** The workers have as many pending tasks as they may take; the task was not run. */
    static final class Full extends RejectedExecutionException {
        private static final long serialVersionUID = 1L;

        Full(String message) {
            super(message);
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this; // an expected answer under load, not a bug: no stack to fill in
        }
    }
}
