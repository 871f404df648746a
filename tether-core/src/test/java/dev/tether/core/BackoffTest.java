package dev.tether.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class BackoffTest {

    /** A generator whose every {@code nextDouble()} is {@code u}, so that jittered tables are exact. */
    private static RandomGenerator constant(double u) {
        long bits = ((long) (u * (1L << 53))) << 11;
        return () -> bits;
    }

    private static List<Double> seconds(Backoff backoff, int failures, RandomGenerator random) {
        List<Double> table = new ArrayList<>();
        for (int n = 1; n <= failures; n++) {
            table.add(backoff.delay(n, random).toNanos() / 1e9);
        }
        return table;
    }

    @Test
    void connectDefaultAddsJitterBeforeTheCap() {
        // min(1 * 2^(n-1) + U(0,1), 32) with U = 0.5
        assertThat(seconds(Backoff.connectDefault(), 7, constant(0.5)))
                .containsExactly(1.5, 2.5, 4.5, 8.5, 16.5, 32.0, 32.0);
        assertThat(Backoff.connectDefault().maxAttempts()).isEqualTo(5);
        assertThat(Backoff.connectDefault().delayAfterLastFailure()).isFalse();
    }

    @Test
    void flooredPolicyGivesFourFourFourEightTen() {
        Backoff backoff = Backoff.builder()
                .minDelay(Duration.ofSeconds(4))
                .maxDelay(Duration.ofSeconds(10))
                .maxAttempts(3)
                .delayAfterLastFailure(true)
                .build();

        assertThat(seconds(backoff, 6, constant(0.99))).containsExactly(4.0, 4.0, 4.0, 8.0, 10.0, 10.0);
        assertThat(backoff.delayAfterLastFailure()).isTrue();
    }

    @Test
    void earlyDropDefaultAddsJitterAfterTheCap() {
        // min(2 * 2^(n-1), 60) + U(0,2) with U = 0.5 (that is, + 1 s)
        assertThat(seconds(Backoff.earlyDropDefault(), 7, constant(0.5)))
                .containsExactly(3.0, 5.0, 9.0, 17.0, 33.0, 61.0, 61.0);
        assertThat(Backoff.earlyDropDefault().maxAttempts()).isEqualTo(5);
    }

    @Test
    void supervisorDefaultDoublesFromTwoUpToSixty() {
        assertThat(seconds(Backoff.supervisorDefault(), 7, constant(0.5)))
                .containsExactly(2.0, 4.0, 8.0, 16.0, 32.0, 60.0, 60.0);
        assertThat(Backoff.supervisorDefault().maxAttempts()).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void jitterStaysWithinItsBoundsForASeededGenerator() {
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 1000; i++) {
            Duration delay = Backoff.connectDefault().delay(3, random);
            assertThat(delay).isBetween(Duration.ofSeconds(4), Duration.ofMillis(4999));
        }
    }

    @Test
    void sameSeedGivesTheSameTable() {
        assertThat(seconds(Backoff.connectDefault(), 5, new SplittableRandom(7)))
                .isEqualTo(seconds(Backoff.connectDefault(), 5, new SplittableRandom(7)));
    }

    @Test
    void hugeAttemptNumbersSaturateAtTheCap() {
        assertThat(Backoff.supervisorDefault().delay(10_000, constant(0))).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void fixedWaitsTheSameEveryTime() {
        assertThat(seconds(Backoff.fixed(Duration.ofMillis(1500)), 3, constant(0.7)))
                .containsExactly(1.5, 1.5, 1.5);
    }

    @Test
    void allowsAttemptsUpToTheMaximum() {
        Backoff backoff = Backoff.builder().maxAttempts(3).build();

        assertThat(backoff.allowsAttempt(2)).isTrue();
        assertThat(backoff.allowsAttempt(3)).isFalse();
    }

    @Test
    void toBuilderCopiesEveryValue() {
        assertThat(Backoff.earlyDropDefault().toBuilder().build()).isEqualTo(Backoff.earlyDropDefault());
    }

    @Test
    void rejectsInvalidValuesWithTheValueAndTheExpectation() {
        assertThatThrownBy(() -> Backoff.builder().maxAttempts(0)).hasMessage("maxAttempts: 0 (expected: >= 1)");
        assertThatThrownBy(() -> Backoff.builder().initialDelay(Duration.ofSeconds(-1)))
                .hasMessage("initialDelay: PT-1S (expected: >= 0)");
        assertThatThrownBy(() -> Backoff.builder().multiplier(0.5))
                .hasMessage("multiplier: 0.5 (expected: >= 1 and finite)");
        assertThatThrownBy(() -> Backoff.builder()
                        .minDelay(Duration.ofSeconds(5))
                        .maxDelay(Duration.ofSeconds(1))
                        .build())
                .hasMessage("minDelay: PT5S (expected: <= maxDelay PT1S)");
        assertThatThrownBy(() -> Backoff.connectDefault().delay(0, constant(0)))
                .hasMessage("failures: 0 (expected: >= 1)");
    }
}
