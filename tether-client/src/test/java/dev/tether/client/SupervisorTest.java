package dev.tether.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.core.CloseCodes;
import dev.tether.core.ManualClock;
import dev.tether.core.TetherException;
import dev.tether.testing.fault.FaultServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** Layer 3, against an in-memory service whose lives the test ends by hand. */
class SupervisorTest {
    private final ManualClock clock = new ManualClock();
    private final FakeService service = new FakeService();
    private final List<String> heard = new ArrayList<>();
    private @Nullable Throwable stoppedWith;

    /** A service whose every life waits for the test to make it ready or end it. */
    static final class FakeService implements Supervised {
        final List<CompletableFuture<Void>> lives = new ArrayList<>();
        final List<Runnable> readies = new ArrayList<>();
        int stops;

        @Override
        public synchronized CompletionStage<Void> start(Runnable ready) {
            CompletableFuture<Void> life = new CompletableFuture<>();
            lives.add(life);
            readies.add(ready);
            return life;
        }

        @Override
        public synchronized void stop() {
            stops++;
            lives.get(lives.size() - 1).complete(null);
        }

        void fail(String message) {
            lives.get(lives.size() - 1).completeExceptionally(new TetherException(message));
        }

        void ready() {
            readies.get(readies.size() - 1).run();
        }

        int started() {
            return lives.size();
        }
    }

    private final SupervisorListener recorder = new SupervisorListener() {
        @Override
        public void onStarting(int life) {
            heard.add("start " + life);
        }

        @Override
        public void onReady(int life) {
            heard.add("ready " + life);
        }

        @Override
        public void onRestartScheduled(int restart, Duration delay, @Nullable Throwable failure) {
            heard.add("restart " + restart + " in " + delay.toSeconds() + " s");
        }

        @Override
        public void onCooldown(int cycle, Duration cooldown, @Nullable Throwable failure) {
            heard.add("cooldown " + cycle + " for " + cooldown.toSeconds() + " s");
        }

        @Override
        public void onStopped(@Nullable Throwable failure) {
            heard.add("stopped");
            stoppedWith = failure;
        }
    };

    private Supervisor.Builder supervisor(RestartType type) {
        return Supervisor.builder().restartType(type).clock(clock).listener(recorder);
    }

    /** Fails the current life, then waits out the scheduled restart; returns the restart's wait. */
    private Duration failAndRestart(String message) {
        service.fail(message);
        Duration wait = clock.nextDue();
        clock.advance(wait);
        return wait;
    }

    @Test
    void restartsWaitTwoFourEightSixteenThirtyTwoSeconds() {
        supervisor(RestartType.PERMANENT).build().start(service);

        List<Long> waits = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            waits.add(failAndRestart("boom").toSeconds());
        }

        assertThat(waits).containsExactly(2L, 4L, 8L, 16L, 32L);
        assertThat(service.started()).isEqualTo(6);
    }

    @Test
    void permanentGivesUpWhenFiveRestartsWithinThreeHundredSecondsAreUsed() {
        supervisor(RestartType.PERMANENT).build().start(service);
        for (int i = 0; i < 5; i++) {
            failAndRestart("boom");
        }

        service.fail("boom");

        assertThat(stoppedWith)
                .isInstanceOf(SupervisorException.class)
                .hasMessage("gave up: 5 restarts within 300 s; last failure: boom");
        assertThat(clock.pendingTasks()).isZero();
    }

    @Test
    void restartsOlderThanTheWindowLeaveTheBudget() {
        supervisor(RestartType.PERMANENT)
                .startupTimeout(Duration.ofHours(1))
                .build()
                .start(service);
        for (int i = 0; i < 5; i++) {
            failAndRestart("boom");
        }
        clock.advance(Duration.ofMinutes(5)); // the first restarts slide out of the window

        Duration wait = failAndRestart("boom");

        assertThat(stoppedWith).isNull();
        assertThat(service.started()).isEqualTo(7);
        assertThat(wait).isLessThan(Duration.ofSeconds(32));
    }

    @Test
    void transientCoolsDownThenRestartsWithAFreshBudget() {
        supervisor(RestartType.TRANSIENT).build().start(service);
        for (int i = 0; i < 5; i++) {
            failAndRestart("boom");
        }

        service.fail("boom");

        assertThat(heard).contains("cooldown 1 for 300 s");
        assertThat(clock.nextDue()).isEqualTo(Duration.ofMinutes(5));
        clock.advance(Duration.ofMinutes(5));
        assertThat(service.started()).isEqualTo(7);
        assertThat(failAndRestart("boom")).isEqualTo(Duration.ofSeconds(2));
        assertThat(stoppedWith).isNull();
    }

    @Test
    void transientGivesUpAfterItsMaximumCooldownCycles() {
        supervisor(RestartType.TRANSIENT).maxCooldownCycles(1).build().start(service);
        for (int cycle = 0; cycle < 2; cycle++) {
            for (int i = 0; i < 5; i++) {
                failAndRestart("boom");
            }
            service.fail("boom");
            if (cycle == 0) {
                clock.advance(Duration.ofMinutes(5));
            }
        }

        assertThat(stoppedWith)
                .isInstanceOf(SupervisorException.class)
                .hasMessage("gave up: 5 restarts within 300 s; last failure: boom (after 1 cooldowns)");
    }

    @Test
    void temporaryStopsWithTheLastFailureWhenTheBudgetIsUsed() {
        supervisor(RestartType.TEMPORARY).build().start(service);
        for (int i = 0; i < 5; i++) {
            failAndRestart("boom " + i);
        }

        service.fail("last straw");

        assertThat(stoppedWith).isExactlyInstanceOf(TetherException.class).hasMessage("last straw");
    }

    @Test
    void aNamedFatalErrorStopsAtOnce() {
        supervisor(RestartType.PERMANENT).build().start(service);

        service.lives.get(0).completeExceptionally(new AuthenticationException("auth_invalid"));

        assertThat(stoppedWith).isInstanceOf(AuthenticationException.class);
        assertThat(heard).containsExactly("start 1", "stopped");
    }

    @Test
    void fatalErrorsAreMatchedInTheCauseChain() {
        supervisor(RestartType.PERMANENT)
                .fatalErrors(IllegalStateException.class)
                .build()
                .start(service);

        service.lives.get(0).completeExceptionally(new TetherException("wrapped", new IllegalStateException()));

        assertThat(stoppedWith).hasMessage("wrapped");
        assertThat(service.started()).isEqualTo(1);
    }

    @Test
    void readyWithinTheStartupTimeoutRefillsTheBudget() {
        supervisor(RestartType.PERMANENT).build().start(service);
        for (int i = 0; i < 4; i++) {
            failAndRestart("boom");
        }

        service.ready();
        List<Long> waits = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            waits.add(failAndRestart("boom").toSeconds());
        }

        assertThat(waits).containsExactly(2L, 4L, 8L, 16L, 32L);
        assertThat(stoppedWith).isNull();
        assertThat(heard).contains("ready 5");
    }

    @Test
    void aLifeNotReadyWithinTheStartupTimeoutIsStoppedAndRestarted() {
        supervisor(RestartType.PERMANENT).build().start(service);

        clock.advance(Duration.ofMinutes(1));

        assertThat(service.stops).isEqualTo(1);
        assertThat(heard).containsExactly("start 1", "restart 1 in 2 s");
        clock.advance(Duration.ofSeconds(2));
        assertThat(service.started()).isEqualTo(2);
    }

    @Test
    void aTransientServiceThatEndsNormallyIsNotRestarted() {
        supervisor(RestartType.TRANSIENT).build().start(service);

        service.lives.get(0).complete(null);

        assertThat(heard).containsExactly("start 1", "stopped");
        assertThat(stoppedWith).isNull();
    }

    @Test
    void aPermanentServiceThatEndsNormallyIsRestarted() {
        supervisor(RestartType.PERMANENT).build().start(service);

        service.lives.get(0).complete(null);

        assertThat(heard).containsExactly("start 1", "restart 1 in 2 s");
    }

    @Test
    void stopEndsSupervisionAndTheCurrentLife() {
        Supervisor supervisor = supervisor(RestartType.PERMANENT).build();
        supervisor.start(service);

        supervisor.stop();

        assertThat(service.stops).isEqualTo(1);
        assertThat(heard).containsExactly("start 1", "stopped");
        assertThat(clock.pendingTasks()).isZero();
    }

    @Test
    void oneSupervisorSupervisesOneService() {
        Supervisor supervisor = supervisor(RestartType.PERMANENT).build();
        supervisor.start(service);

        assertThatThrownBy(() -> supervisor.start(new FakeService()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("expected: one service per supervisor");
    }

    @Test
    void restartsAConnectionThatGaveUp() throws Exception {
        try (FaultServer server = FaultServer.builder().clock(clock).start()) {
            RecordingListener events = new RecordingListener();
            ClientConnection connection = ClientConnection.create(ConnectionConfig.builder()
                    .uri(server.uri())
                    .clock(clock)
                    .reconnectAfterLateDrop(false) // a late drop goes to the supervisor
                    .listener(events)
                    .build());
            Supervisor supervisor = supervisor(RestartType.TRANSIENT).build();
            supervisor.start(Supervised.of(connection));
            events.awaitConnected();
            clock.advance(Duration.ofSeconds(31));

            server.closeAll(CloseCodes.GOING_AWAY, "maintenance");
            events.awaitEnded();
            assertThat(clock.awaitPendingTasks(1, RecordingListener.TIMEOUT)).isTrue(); // the supervisor heard it
            assertThat(clock.nextDue()).isEqualTo(Duration.ofSeconds(2));
            clock.advance(Duration.ofSeconds(2));

            assertThat(events.awaitConnected().number()).isEqualTo(2);
            supervisor.stop();
            assertThat(events.awaitEnded()).isNull();
            connection.close().toCompletableFuture().get();
        }
    }
}
