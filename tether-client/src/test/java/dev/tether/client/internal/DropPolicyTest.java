package dev.tether.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.client.ConnectionConfig;
import dev.tether.client.Disconnection;
import dev.tether.client.internal.DropPolicy.Decision;
import dev.tether.client.internal.DropPolicy.Kind;
import dev.tether.core.Backoff;
import dev.tether.core.CloseCodes;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Layer 2's rules with explicit times: no sockets, no clock, no threads. */
class DropPolicyTest {
    private static final int ABNORMAL = Disconnection.ABNORMAL_CLOSURE;

    private static ConnectionConfig.Builder config() {
        return ConnectionConfig.builder().uri("ws://127.0.0.1:1/").random(new SplittableRandom(42));
    }

    private static long seconds(double s) {
        return Math.round(s * 1_000_000_000L);
    }

    /** A session ready at {@code readyAt} that dropped abnormally at {@code droppedAt} (seconds). */
    private static Decision drop(DropPolicy policy, double readyAt, double droppedAt) {
        policy.ready(seconds(readyAt));
        return policy.dropped(seconds(droppedAt), ABNORMAL, "boom", false);
    }

    // Ending without an error.

    @Test
    void disconnectingOnPurposeEndsWithoutReconnectOrError() {
        DropPolicy policy = new DropPolicy(config().build());
        policy.ready(seconds(0));

        Decision decision = policy.dropped(seconds(1), ABNORMAL, "", true);

        assertThat(decision.kind()).isEqualTo(Kind.DISCONNECTED_ON_PURPOSE);
        assertThat(decision.reconnects()).isFalse();
        assertThat(decision.failure()).isNull();
        assertThat(decision.lifetime()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void normalClosureByTheServerEndsWithoutReconnectOrError() {
        DropPolicy policy = new DropPolicy(config().build());
        policy.ready(seconds(0));

        Decision decision = policy.dropped(seconds(1), CloseCodes.NORMAL, "bye", false);

        assertThat(decision.kind()).isEqualTo(Kind.CLOSED_NORMALLY);
        assertThat(decision.reconnects()).isFalse();
        assertThat(decision.failure()).isNull();
    }

    @Test
    void normalClosuresDoNotCountAsQuickFailures() {
        DropPolicy policy =
                new DropPolicy(config().earlyDropWindow(Duration.ZERO).build());
        for (int i = 0; i < 2; i++) {
            policy.ready(seconds(i));
            assertThat(policy.dropped(seconds(i + 0.5), CloseCodes.NORMAL, "", false)
                            .kind())
                    .isEqualTo(Kind.CLOSED_NORMALLY);
        }

        assertThat(drop(policy, 10, 10.5).kind()).isEqualTo(Kind.RECONNECT); // the first quick failure
    }

    @Test
    void anyOtherCloseCodeReconnects() {
        DropPolicy policy =
                new DropPolicy(config().earlyDropWindow(Duration.ZERO).build());
        policy.ready(seconds(0));

        Decision decision = policy.dropped(seconds(60), CloseCodes.INTERNAL_ERROR, "oops", false);

        assertThat(decision.kind()).isEqualTo(Kind.RECONNECT);
        assertThat(decision.reconnects()).isTrue();
        assertThat(decision.delay()).isZero(); // at once; 1001 and 1012 wait a little (goingAwayJitter)
        assertThat(decision.lifetime()).isEqualTo(Duration.ofSeconds(60));
    }

    // Quick failures.

    @Test
    void threeQuickFailuresInARowGiveUp() {
        DropPolicy policy =
                new DropPolicy(config().earlyDropWindow(Duration.ZERO).build());

        assertThat(drop(policy, 0, 1).kind()).isEqualTo(Kind.RECONNECT);
        assertThat(drop(policy, 2, 3).kind()).isEqualTo(Kind.RECONNECT);
        Decision third = drop(policy, 4, 4.1);

        assertThat(third.kind()).isEqualTo(Kind.QUICK_FAILURES);
        assertThat(third.reconnects()).isFalse();
        assertThat(third.failure()).isEqualTo("connection failed 3 times immediately after connecting");
    }

    @Test
    void aSessionJustUnderTheQuickFailureWindowIsQuick() {
        DropPolicy policy =
                new DropPolicy(config().earlyDropWindow(Duration.ZERO).build());
        drop(policy, 0, 1);
        drop(policy, 10, 11);

        policy.ready(seconds(20));
        Decision third = policy.dropped(seconds(25) - 1, ABNORMAL, "boom", false);

        assertThat(third.kind()).isEqualTo(Kind.QUICK_FAILURES);
    }

    @Test
    void aSessionThatLivedTheQuickFailureWindowResetsTheCount() {
        DropPolicy policy =
                new DropPolicy(config().earlyDropWindow(Duration.ZERO).build());
        drop(policy, 0, 1);
        drop(policy, 10, 11);

        assertThat(drop(policy, 20, 25).kind()).isEqualTo(Kind.RECONNECT); // exactly 5 s: stable
        assertThat(drop(policy, 30, 31).kind()).isEqualTo(Kind.RECONNECT);
        assertThat(drop(policy, 40, 41).kind()).isEqualTo(Kind.RECONNECT);
        assertThat(drop(policy, 50, 51).kind()).isEqualTo(Kind.QUICK_FAILURES);
    }

    @Test
    void theQuickFailureLimitAndWindowAreConfigurable() {
        DropPolicy policy = new DropPolicy(config().earlyDropWindow(Duration.ZERO)
                .maxQuickFailures(2)
                .quickFailureWindow(Duration.ofSeconds(60))
                .build());

        assertThat(drop(policy, 0, 50).kind()).isEqualTo(Kind.RECONNECT);
        Decision second = drop(policy, 60, 110);

        assertThat(second.kind()).isEqualTo(Kind.QUICK_FAILURES);
        assertThat(second.failure()).isEqualTo("connection failed 2 times immediately after connecting");
    }

    @Test
    void noQuickFailureLimitReconnectsForever() {
        DropPolicy policy = new DropPolicy(
                config().earlyDropWindow(Duration.ZERO).maxQuickFailures(0).build());

        for (int i = 0; i < 100; i++) {
            assertThat(drop(policy, i, i + 0.1).kind()).isEqualTo(Kind.RECONNECT);
        }
    }

    @Test
    void aNewLifecycleStartsWithFreshBudgets() {
        DropPolicy policy =
                new DropPolicy(config().earlyDropWindow(Duration.ZERO).build());
        drop(policy, 0, 1);
        drop(policy, 2, 3);

        policy.lifecycleStarted();

        assertThat(drop(policy, 4, 5).kind()).isEqualTo(Kind.RECONNECT);
        assertThat(drop(policy, 6, 7).kind()).isEqualTo(Kind.RECONNECT);
        assertThat(drop(policy, 8, 9).kind()).isEqualTo(Kind.QUICK_FAILURES);
    }

    @Test
    void quickFailuresStopBeforeTheEarlyDropRetriesAreUsed() {
        DropPolicy policy = new DropPolicy(config().build());

        assertThat(drop(policy, 0, 1).kind()).isEqualTo(Kind.RECONNECT_AFTER_EARLY_DROP);
        assertThat(drop(policy, 10, 11).kind()).isEqualTo(Kind.RECONNECT_AFTER_EARLY_DROP);
        assertThat(drop(policy, 20, 21).kind()).isEqualTo(Kind.QUICK_FAILURES);
    }

    // Early drops.

    @Test
    void earlyDropsWaitByTheirBackoffThenGiveUpAfterFiveRetries() {
        DropPolicy policy = new DropPolicy(config().build());
        double t = 0;
        for (int n = 1; n <= 5; n++) {
            Decision decision = drop(policy, t, t + 10); // 10 s: early, but not quick
            assertThat(decision.kind()).isEqualTo(Kind.RECONNECT_AFTER_EARLY_DROP);
            assertThat(decision.reconnects()).isTrue();
            // min(2 * 2^(n-1), 60) + U(0, 2) s
            Duration base = Duration.ofSeconds(Math.min(2L << (n - 1), 60));
            assertThat(decision.delay()).isBetween(base, base.plusSeconds(2)).isNotEqualTo(base.plusSeconds(2));
            t += 11;
        }

        Decision sixth = drop(policy, t, t + 10);

        assertThat(sixth.kind()).isEqualTo(Kind.EARLY_DROPS_EXHAUSTED);
        assertThat(sixth.reconnects()).isFalse();
        assertThat(sixth.failure())
                .isEqualTo("connection dropped 6 times within 30 s of becoming ready "
                        + "(early-drop budget: 5 retries within 300 s)");
    }

    @Test
    void theEarlyDropBackoffIsCappedAtSixtySecondsPlusJitter() {
        Backoff unlimited =
                Backoff.earlyDropDefault().toBuilder().unlimitedAttempts().build();
        DropPolicy policy = new DropPolicy(config().earlyDropBackoff(unlimited)
                .earlyDropBudget(Duration.ofDays(1))
                .build());
        for (int n = 1; n <= 7; n++) {
            drop(policy, n * 100, n * 100 + 10);
        }

        Decision decision = drop(policy, 800, 810);

        assertThat(decision.delay()).isBetween(Duration.ofSeconds(60), Duration.ofSeconds(62));
    }

    @Test
    void aDropAtTheEndOfTheEarlyDropWindowIsNotEarly() {
        DropPolicy policy = new DropPolicy(config().build());

        Decision decision = drop(policy, 0, 30);

        assertThat(decision.kind()).isEqualTo(Kind.RECONNECT);
        assertThat(decision.delay()).isZero();
    }

    @Test
    void aDropJustInsideTheEarlyDropWindowIsEarly() {
        DropPolicy policy = new DropPolicy(config().build());
        policy.ready(0);

        Decision decision = policy.dropped(seconds(30) - 1, ABNORMAL, "boom", false);

        assertThat(decision.kind()).isEqualTo(Kind.RECONNECT_AFTER_EARLY_DROP);
    }

    @Test
    void aLateDropResetsTheEarlyDropCount() {
        Backoff exact = Backoff.builder()
                .initialDelay(Duration.ofSeconds(2))
                .maxAttempts(5)
                .build();
        DropPolicy policy = new DropPolicy(config().earlyDropBackoff(exact).build());
        assertThat(drop(policy, 0, 10).delay()).isEqualTo(Duration.ofSeconds(2));
        assertThat(drop(policy, 20, 30).delay()).isEqualTo(Duration.ofSeconds(4));

        assertThat(drop(policy, 40, 100).kind()).isEqualTo(Kind.RECONNECT);

        assertThat(drop(policy, 110, 120).delay()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void earlyDropsStopThreeHundredSecondsAfterTheFirst() {
        Backoff often = Backoff.fixed(Duration.ofSeconds(1)).toBuilder()
                .maxAttempts(1000)
                .build();
        DropPolicy policy = new DropPolicy(
                config().maxQuickFailures(0).earlyDropBackoff(often).build());
        assertThat(drop(policy, 0, 10).kind()).isEqualTo(Kind.RECONNECT_AFTER_EARLY_DROP); // the first, at 10 s
        assertThat(drop(policy, 300, 310).kind()).isEqualTo(Kind.RECONNECT_AFTER_EARLY_DROP); // 300 s after it

        policy.ready(seconds(311));
        Decision late = policy.dropped(seconds(312) + 1, ABNORMAL, "boom", false);

        assertThat(late.kind()).isEqualTo(Kind.EARLY_DROPS_EXHAUSTED);
        assertThat(late.failure())
                .isEqualTo("connection dropped 3 times within 30 s of becoming ready "
                        + "(early-drop budget: 1000 retries within 300 s)");
    }

    @Test
    void anUnlimitedEarlyDropBackoffSaysSo() {
        Backoff unlimited = Backoff.fixed(Duration.ofSeconds(1));
        DropPolicy policy = new DropPolicy(config().maxQuickFailures(0)
                .earlyDropBackoff(unlimited)
                .earlyDropBudget(Duration.ofSeconds(10))
                .build());
        drop(policy, 0, 1);

        Decision decision = drop(policy, 20, 21);

        assertThat(decision.failure()).endsWith("(early-drop budget: unlimited retries within 10 s)");
    }

    @Test
    void aZeroEarlyDropWindowReconnectsAtOnce() {
        DropPolicy policy = new DropPolicy(
                config().maxQuickFailures(0).earlyDropWindow(Duration.ZERO).build());

        Decision decision = drop(policy, 0, 0.001);

        assertThat(decision.kind()).isEqualTo(Kind.RECONNECT);
        assertThat(decision.delay()).isZero();
    }

    @Test
    void theSameSeedGivesTheSameWaits() {
        DropPolicy one = new DropPolicy(config().build());
        DropPolicy two = new DropPolicy(config().build());

        assertThat(drop(one, 0, 10).delay()).isEqualTo(drop(two, 0, 10).delay());
    }

    // Late drops.

    @Test
    void aLateDropCanEndTheConnectionForTheSupervisor() {
        DropPolicy policy =
                new DropPolicy(config().reconnectAfterLateDrop(false).build());

        Decision decision = drop(policy, 0, 31);

        assertThat(decision.kind()).isEqualTo(Kind.LATE_DROP);
        assertThat(decision.reconnects()).isFalse();
        assertThat(decision.failure()).isEqualTo("connection lost: 1006 boom");
    }

    @Test
    void anEarlyDropStillRetriesWhenLateDropsDoNot() {
        DropPolicy policy =
                new DropPolicy(config().reconnectAfterLateDrop(false).build());

        assertThat(drop(policy, 0, 10).kind()).isEqualTo(Kind.RECONNECT_AFTER_EARLY_DROP);
    }

    @Test
    void withoutAnEarlyDropWindowNoDropIsLate() {
        DropPolicy policy = new DropPolicy(config().reconnectAfterLateDrop(false)
                .earlyDropWindow(Duration.ZERO)
                .build());

        assertThat(drop(policy, 0, 3600).kind()).isEqualTo(Kind.RECONNECT);
    }

    @Test
    void readyForMeasuresFromTheLastReadySession() {
        DropPolicy policy = new DropPolicy(config().build());
        policy.ready(seconds(10));

        assertThat(policy.readyFor(seconds(12.5))).isEqualTo(Duration.ofMillis(2500));
    }

    @Test
    void aLateDropWith1001Or1012ReconnectsAfterARandomWaitBelowTheGoingAwayJitter() {
        DropPolicy policy =
                new DropPolicy(config().goingAwayJitter(Duration.ofSeconds(1)).build());
        for (int code : new int[] {CloseCodes.GOING_AWAY, CloseCodes.SERVICE_RESTART}) {
            policy.ready(seconds(0));

            Decision decision = policy.dropped(seconds(60), code, "Server is shutting down.", false);

            assertThat(decision.kind()).isEqualTo(Kind.RECONNECT);
            assertThat(decision.delay()).isPositive().isLessThan(Duration.ofSeconds(1));
        }
    }

    @Test
    void aLateAbnormalDropOrAZeroJitterReconnectsAtOnce() {
        DropPolicy policy = new DropPolicy(config().build());
        assertThat(drop(policy, 0, 60).delay()).isZero();

        DropPolicy noJitter =
                new DropPolicy(config().goingAwayJitter(Duration.ZERO).build());
        noJitter.ready(seconds(0));
        assertThat(noJitter.dropped(seconds(60), CloseCodes.GOING_AWAY, "", false)
                        .delay())
                .isZero();
    }
}
