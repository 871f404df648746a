package dev.tether.core.internal;

import dev.tether.core.Cancellable;
import org.jspecify.annotations.Nullable;

/** A clock task on its way to an executor, which checks there that it was not cancelled meanwhile. */
public final class HandedOverTask implements Runnable, Cancellable {
    private final Runnable task;
    private volatile boolean done;
    private volatile @Nullable Cancellable clockTask;

    public HandedOverTask(Runnable task) {
        this.task = task;
    }

    /** The clock's task that will hand this one over; set once, right after scheduling it. */
    public void clockTask(Cancellable task) {
        this.clockTask = task;
    }

    @Override
    public void run() {
        if (!done) {
            done = true;
            task.run();
        }
    }

    @Override
    public boolean cancel() {
        boolean wasPending = !done;
        done = true;
        Cancellable inner = clockTask;
        if (inner != null) {
            inner.cancel();
        }
        return wasPending;
    }
}
