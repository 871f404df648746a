package dev.tether.core;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * How long to wait after a failure, and how many attempts to make: an immutable, jittered exponential backoff.
 *
 * <p>The wait after the {@code n}-th failure ({@code n >= 1}) is
 * <pre>
 *   base(n) = initialDelay * multiplier^(n-1)
 *   jitter before the cap:  max(minDelay, min(base(n) + U(0, jitter), maxDelay))
 *   jitter after the cap:   max(minDelay, min(base(n), maxDelay) + U(0, jitter))
 * </pre>
 * where {@code U(0, j)} is uniform in {@code [0, j)}, drawn from the {@link RandomGenerator} the caller passes
 * (tests pass a fixed seed). That covers the reference policies, each a preset here:
 * <table>
 *   <caption>Presets</caption>
 *   <tr><th>preset</th><th>formula, seconds</th><th>attempts</th></tr>
 *   <tr><td>{@link #connectDefault()}</td><td>{@code min(1 * 2^(n-1) + U(0,1), 32)}</td><td>5</td></tr>
 *   <tr><td>{@link #earlyDropDefault()}</td><td>{@code min(2 * 2^(n-1), 60) + U(0,2)}</td><td>5</td></tr>
 *   <tr><td>{@link #supervisorDefault()}</td><td>{@code min(2 * 2^(n-1), 60)}: 2, 4, 8, 16, 32, 60</td>
 *       <td>unlimited</td></tr>
 *   <tr><td>{@code builder().minDelay(4 s).maxDelay(10 s).maxAttempts(3).delayAfterLastFailure(true)}</td>
 *       <td>{@code max(4, min(2^(n-1), 10))}: 4, 4, 4, 8, 10</td><td>3</td></tr>
 * </table>
 *
 * <p>{@link #maxAttempts()} bounds the attempts of one try-until-success loop; {@link #delayAfterLastFailure()}
 * says whether the loop still waits once after its last failed attempt before it gives up (one reference
 * client does, so that a supervisor restarting it cannot spin).
 */
public final class Backoff {
    private final Duration initialDelay;
    private final double multiplier;
    private final Duration maxDelay;
    private final Duration minDelay;
    private final Duration jitter;
    private final boolean jitterAfterCap;
    private final int maxAttempts;
    private final boolean delayAfterLastFailure;

    private Backoff(Builder b) {
        this.initialDelay = b.initialDelay;
        this.multiplier = b.multiplier;
        this.maxDelay = b.maxDelay;
        this.minDelay = b.minDelay;
        this.jitter = b.jitter;
        this.jitterAfterCap = b.jitterAfterCap;
        this.maxAttempts = b.maxAttempts;
        this.delayAfterLastFailure = b.delayAfterLastFailure;
    }

    /**
     * A builder that starts from {@code initialDelay 1 s, multiplier 2, maxDelay 32 s, minDelay 0, no jitter,
     * unlimited attempts, no delay after the last failure}.
     */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this policy's values. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Establishing a connection: {@code min(1 s * 2^(n-1) + U(0, 1 s), 32 s)}, 5 attempts. */
    public static Backoff connectDefault() {
        return builder().jitter(Duration.ofSeconds(1)).maxAttempts(5).build();
    }

    /** Retrying a drop soon after the session became ready: {@code min(2 s * 2^(n-1), 60 s) + U(0, 2 s)}, 5 retries. */
    public static Backoff earlyDropDefault() {
        return builder()
                .initialDelay(Duration.ofSeconds(2))
                .maxDelay(Duration.ofSeconds(60))
                .jitterAfterCap(Duration.ofSeconds(2))
                .maxAttempts(5)
                .build();
    }

    /** Restarting a whole service: 2, 4, 8, 16, 32, 60, 60… s, no jitter, no limit of its own. */
    public static Backoff supervisorDefault() {
        return builder()
                .initialDelay(Duration.ofSeconds(2))
                .maxDelay(Duration.ofSeconds(60))
                .build();
    }

    /** The same wait after every failure, unlimited attempts. */
    public static Backoff fixed(Duration delay) {
        return builder().initialDelay(delay).multiplier(1).maxDelay(delay).build();
    }

    /**
     * The wait after the {@code failures}-th consecutive failure.
     *
     * @param failures how many attempts have failed so far, {@code >= 1}
     * @param random the source of the jitter; not used when the policy has none
     */
    public Duration delay(int failures, RandomGenerator random) {
        if (failures < 1) {
            throw new IllegalArgumentException("failures: " + failures + " (expected: >= 1)");
        }
        double max = Durations.saturatedNanos(maxDelay);
        double base = Durations.saturatedNanos(initialDelay) * Math.pow(multiplier, failures - 1);
        double spread = jitter.isZero() ? 0 : random.nextDouble() * Durations.saturatedNanos(jitter);
        double nanos = jitterAfterCap ? Math.min(base, max) + spread : Math.min(base + spread, max);
        nanos = Math.max(nanos, Durations.saturatedNanos(minDelay));
        return Duration.ofNanos(nanos >= (double) Long.MAX_VALUE ? Long.MAX_VALUE : Math.round(nanos));
    }

    /** Whether a loop that has seen {@code failures} failed attempts may make another. */
    public boolean allowsAttempt(int failures) {
        return failures < maxAttempts;
    }

    /** The delay after the first failure, before the multiplier. */
    public Duration initialDelay() {
        return initialDelay;
    }

    /** The factor between consecutive waits. */
    public double multiplier() {
        return multiplier;
    }

    /** The cap on the exponential term (jitter after the cap may exceed it). */
    public Duration maxDelay() {
        return maxDelay;
    }

    /** The floor under every wait. */
    public Duration minDelay() {
        return minDelay;
    }

    /** The upper bound of the uniform random term. */
    public Duration jitter() {
        return jitter;
    }

    /** Whether the random term is added after the cap (and may exceed it) rather than before. */
    public boolean isJitterAfterCap() {
        return jitterAfterCap;
    }

    /** How many attempts one loop makes before giving up; {@link Integer#MAX_VALUE} means no limit. */
    public int maxAttempts() {
        return maxAttempts;
    }

    /** Whether the loop waits once more after its last failed attempt before giving up. */
    public boolean delayAfterLastFailure() {
        return delayAfterLastFailure;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Backoff b
                && initialDelay.equals(b.initialDelay)
                && Double.compare(multiplier, b.multiplier) == 0
                && maxDelay.equals(b.maxDelay)
                && minDelay.equals(b.minDelay)
                && jitter.equals(b.jitter)
                && jitterAfterCap == b.jitterAfterCap
                && maxAttempts == b.maxAttempts
                && delayAfterLastFailure == b.delayAfterLastFailure;
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                initialDelay,
                multiplier,
                maxDelay,
                minDelay,
                jitter,
                jitterAfterCap,
                maxAttempts,
                delayAfterLastFailure);
    }

    @Override
    public String toString() {
        return "Backoff(initialDelay=" + initialDelay + ", multiplier=" + multiplier + ", maxDelay=" + maxDelay
                + ", minDelay=" + minDelay + ", jitter=" + jitter + (jitterAfterCap ? " after cap" : "")
                + ", maxAttempts=" + (maxAttempts == Integer.MAX_VALUE ? "unlimited" : maxAttempts)
                + ", delayAfterLastFailure=" + delayAfterLastFailure + ")";
    }

    /** Builds a {@link Backoff}; every value is checked when it is set. */
    public static final class Builder {
        private Duration initialDelay = Duration.ofSeconds(1);
        private double multiplier = 2;
        private Duration maxDelay = Duration.ofSeconds(32);
        private Duration minDelay = Duration.ZERO;
        private Duration jitter = Duration.ZERO;
        private boolean jitterAfterCap;
        private int maxAttempts = Integer.MAX_VALUE;
        private boolean delayAfterLastFailure;

        private Builder() {}

        private Builder(Backoff b) {
            initialDelay = b.initialDelay;
            multiplier = b.multiplier;
            maxDelay = b.maxDelay;
            minDelay = b.minDelay;
            jitter = b.jitter;
            jitterAfterCap = b.jitterAfterCap;
            maxAttempts = b.maxAttempts;
            delayAfterLastFailure = b.delayAfterLastFailure;
        }

        /** The wait after the first failure, before jitter, cap and floor. */
        public Builder initialDelay(Duration initialDelay) {
            this.initialDelay = checkNotNegative(initialDelay, "initialDelay");
            return this;
        }

        /** The factor between consecutive waits; {@code 1} gives a fixed delay. */
        public Builder multiplier(double multiplier) {
            if (!(multiplier >= 1) || Double.isInfinite(multiplier)) {
                throw new IllegalArgumentException("multiplier: " + multiplier + " (expected: >= 1 and finite)");
            }
            this.multiplier = multiplier;
            return this;
        }

        /** The cap on the exponential term. */
        public Builder maxDelay(Duration maxDelay) {
            this.maxDelay = checkNotNegative(maxDelay, "maxDelay");
            return this;
        }

        /** The floor under every wait. */
        public Builder minDelay(Duration minDelay) {
            this.minDelay = checkNotNegative(minDelay, "minDelay");
            return this;
        }

        /** A uniform random term in {@code [0, jitter)} added before the cap: the wait never exceeds {@code maxDelay}. */
        public Builder jitter(Duration jitter) {
            this.jitter = checkNotNegative(jitter, "jitter");
            this.jitterAfterCap = false;
            return this;
        }

        /** A uniform random term in {@code [0, jitter)} added after the cap: the wait may exceed {@code maxDelay}. */
        public Builder jitterAfterCap(Duration jitter) {
            this.jitter = checkNotNegative(jitter, "jitter");
            this.jitterAfterCap = true;
            return this;
        }

        /** How many attempts one loop makes, {@code >= 1}. */
        public Builder maxAttempts(int maxAttempts) {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts: " + maxAttempts + " (expected: >= 1)");
            }
            this.maxAttempts = maxAttempts;
            return this;
        }

        /** No limit on the number of attempts. */
        public Builder unlimitedAttempts() {
            this.maxAttempts = Integer.MAX_VALUE;
            return this;
        }

        /** Whether the loop waits once more after its last failed attempt before giving up. */
        public Builder delayAfterLastFailure(boolean delayAfterLastFailure) {
            this.delayAfterLastFailure = delayAfterLastFailure;
            return this;
        }

        /**
         * Returns the policy.
         *
         * @throws IllegalArgumentException if {@code minDelay} exceeds {@code maxDelay}
         */
        public Backoff build() {
            if (minDelay.compareTo(maxDelay) > 0) {
                throw new IllegalArgumentException(
                        "minDelay: " + minDelay + " (expected: <= maxDelay " + maxDelay + ")");
            }
            return new Backoff(this);
        }

        private static Duration checkNotNegative(Duration value, String name) {
            Objects.requireNonNull(value, name);
            if (value.isNegative()) {
                throw new IllegalArgumentException(name + ": " + value + " (expected: >= 0)");
            }
            return value;
        }
    }
}
