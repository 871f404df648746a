package dev.tether.server.internal;

import io.netty.util.internal.PlatformDependent;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one at a time, in submission order, on a shared executor: a session's callbacks keep their order
 * without owning a thread. It occupies at most one task slot of the shared executor at a time, and yields after
 * a batch so one busy session cannot starve the others on a bounded pool.
 *
 * <p>The queue is bounded by its callers: a session stops reading from its socket while too many of its
 * packets wait here (see {@code DefaultSession}). Its one task at a time counts in the server's {@link WorkerTasks}
 * but is never refused: a session's callbacks, {@code onDisconnect} above all, must run.
 */
final class SerialExecutor implements Executor {
    private static final Logger log = LoggerFactory.getLogger(SerialExecutor.class);
    private static final int BATCH = 64;

    private final Executor delegate;
    private final Queue<Runnable> tasks = PlatformDependent.newMpscQueue();
    private final AtomicBoolean scheduled = new AtomicBoolean();

    SerialExecutor(Executor delegate) {
        this.delegate = delegate;
    }

    @Override
    public void execute(Runnable task) {
        tasks.add(task);
        schedule();
    }

    private void schedule() {
        if (scheduled.compareAndSet(false, true)) {
            delegate.execute(this::drain);
        }
    }

    private void drain() {
        try {
            for (int i = 0; i < BATCH; i++) {
                Runnable task = tasks.poll();
                if (task == null) {
                    break;
                }
                try {
                    task.run();
                } catch (RuntimeException | Error e) {
                    // Tasks handle their own failures; this is the last line that keeps the chain alive.
                    log.error("Uncaught exception in a session task", e);
                }
            }
        } finally {
            scheduled.set(false);
            if (!tasks.isEmpty()) {
                schedule();
            }
        }
    }
}
