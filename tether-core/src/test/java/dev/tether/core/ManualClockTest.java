package dev.tether.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ManualClockTest {
    private final ManualClock clock = new ManualClock();
    private final List<String> ran = new ArrayList<>();

    @Test
    void nothingRunsUntilTimeMoves() {
        clock.schedule(Duration.ZERO, () -> ran.add("now"));

        assertThat(ran).isEmpty();
        clock.advance(Duration.ZERO);
        assertThat(ran).containsExactly("now");
    }

    @Test
    void advanceRunsDueTasksInOrderOfDueTime() {
        clock.schedule(Duration.ofSeconds(3), () -> ran.add("3 s"));
        clock.schedule(Duration.ofSeconds(1), () -> ran.add("1 s"));
        clock.schedule(Duration.ofSeconds(2), () -> ran.add("2 s"));
        clock.schedule(Duration.ofSeconds(9), () -> ran.add("9 s"));

        clock.advance(Duration.ofSeconds(5));

        assertThat(ran).containsExactly("1 s", "2 s", "3 s");
        assertThat(clock.elapsed()).isEqualTo(Duration.ofSeconds(5));
        assertThat(clock.pendingDelays()).containsExactly(Duration.ofSeconds(4));
    }

    @Test
    void tasksDueAtTheSameInstantRunInScheduleOrder() {
        clock.schedule(Duration.ofSeconds(1), () -> ran.add("first"));
        clock.schedule(Duration.ofSeconds(1), () -> ran.add("second"));

        clock.advance(Duration.ofSeconds(1));

        assertThat(ran).containsExactly("first", "second");
    }

    @Test
    void aTaskReadsItsOwnDueTime() {
        List<Long> seen = new ArrayList<>();
        clock.schedule(Duration.ofMillis(1500), () -> seen.add(clock.nanoTime()));

        clock.advance(Duration.ofSeconds(10));

        assertThat(seen).containsExactly(1_500_000_000L);
    }

    @Test
    void aTaskScheduledByATaskRunsWhenItFallsWithinTheAdvance() {
        clock.schedule(Duration.ofSeconds(1), () -> {
            ran.add("tick");
            clock.schedule(Duration.ofSeconds(1), () -> ran.add("tock"));
        });

        clock.advance(Duration.ofSeconds(2));

        assertThat(ran).containsExactly("tick", "tock");
    }

    @Test
    void cancelledTasksNeverRun() {
        Cancellable task = clock.schedule(Duration.ofSeconds(1), () -> ran.add("cancelled"));

        assertThat(task.cancel()).isTrue();
        clock.advance(Duration.ofSeconds(2));

        assertThat(ran).isEmpty();
        assertThat(task.cancel()).isFalse();
        assertThat(clock.pendingTasks()).isZero();
    }

    @Test
    void awaitPendingTasksSeesTasksScheduledByAnotherThread() throws Exception {
        Thread scheduler = new Thread(() -> clock.schedule(Duration.ofSeconds(1), () -> {}));
        scheduler.start();

        assertThat(clock.awaitPendingTasks(1, Duration.ofSeconds(10))).isTrue();
        scheduler.join();
        assertThat(clock.nextDue()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void rejectsNegativeAdvance() {
        assertThatThrownBy(() -> clock.advance(Duration.ofSeconds(-1))).hasMessage("duration: PT-1S (expected: >= 0)");
    }
}
