package dev.tether.server.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.core.ManualClock;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.Test;

/** The count of worker tasks: what is refused, what is not, and when a task stops counting. */
class WorkerTasksTest {
    /** An executor that runs its tasks when the test says so. */
    private final Queue<Runnable> queued = new ArrayDeque<>();

    private final Executor byHand = queued::add;
    private final WorkerTasks workers = new WorkerTasks(byHand, 2, new ManualClock());

    @Test
    void refusableWorkPastTheLimitIsRefusedAndCounted() {
        workers.executeIfRoom(() -> {});
        workers.executeIfRoom(() -> {});

        assertThatThrownBy(() -> workers.executeIfRoom(() -> {}))
                .isInstanceOf(WorkerTasks.Full.class)
                .hasMessage("Server busy: too many pending worker tasks (limit 2); retry later.");
        assertThat(queued).hasSize(2);
        assertThat(workers.pending()).isEqualTo(2);
        assertThat(workers.refusedTasks()).isEqualTo(1);
    }

    @Test
    void aTaskCountsUntilItHasRun() {
        workers.executeIfRoom(() -> {});
        workers.executeIfRoom(() -> {
            throw new IllegalStateException("on purpose");
        });
        queued.remove().run();
        assertThat(workers.pending()).isEqualTo(1);
        assertThatThrownBy(() -> queued.remove().run()).isInstanceOf(IllegalStateException.class);
        assertThat(workers.pending()).as("a task that threw has run too").isZero();

        workers.executeIfRoom(() -> {});
        assertThat(workers.refusedTasks()).isZero();
    }

    @Test
    void workThatCannotBeRefusedRunsOverTheLimitAndCounts() {
        workers.executeIfRoom(() -> {});
        workers.executeIfRoom(() -> {});
        workers.execute(() -> {});

        assertThat(queued).hasSize(3);
        assertThat(workers.pending()).isEqualTo(3);
        queued.remove().run();
        assertThatThrownBy(() -> workers.executeIfRoom(() -> {}))
                .as("still two pending")
                .isInstanceOf(WorkerTasks.Full.class);
    }

    @Test
    void aTaskTheExecutorRejectsDoesNotCount() {
        WorkerTasks shutDown = new WorkerTasks(
                task -> {
                    throw new RejectedExecutionException("shut down");
                },
                2,
                new ManualClock());

        assertThatThrownBy(() -> shutDown.executeIfRoom(() -> {}))
                .isInstanceOf(RejectedExecutionException.class)
                .isNotInstanceOf(WorkerTasks.Full.class);
        assertThatThrownBy(() -> shutDown.execute(() -> {})).isInstanceOf(RejectedExecutionException.class);
        assertThat(shutDown.pending()).isZero();
        assertThat(shutDown.refusedTasks()).isZero();
    }
}
