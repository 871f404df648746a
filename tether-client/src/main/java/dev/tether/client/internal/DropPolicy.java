package dev.tether.client.internal;

import dev.tether.client.ConnectionConfig;
import dev.tether.core.Backoff;
import dev.tether.core.CloseCodes;
import dev.tether.core.Durations;
import java.time.Duration;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * Layer 2's rules: what to do after a ready session dropped. Pure: no I/O, no threads, no clock of its own; the
 * caller passes the time of every event, so each rule can be tested with explicit times. The one other input is
 * the configured random source, for the early-drop jitter.
 *
 * <p>Confined to the connection's event loop (or a test's thread).
 */
final class DropPolicy {

    /** Which rule decided. */
    enum Kind {
        /** The application disconnected on purpose: end, no reconnect, no error. */
        DISCONNECTED_ON_PURPOSE,
        /** The server closed with 1000: end, no reconnect, no error. */
        CLOSED_NORMALLY,
        /** A drop outside the early-drop window (or with the window off): reconnect at once. */
        RECONNECT,
        /** A drop within the early-drop window, within its budget: reconnect after the early-drop backoff. */
        RECONNECT_AFTER_EARLY_DROP,
        /** Too many sessions in a row lived less than the quick-failure window: give up. */
        QUICK_FAILURES,
        /** Early drops beyond their retries or their time budget: give up. */
        EARLY_DROPS_EXHAUSTED,
        /** A drop after the early-drop window with {@code reconnectAfterLateDrop(false)}: give up. */
        LATE_DROP
    }

    /**
     * The decision about one drop.
     *
     * @param delay how long to wait before reconnecting: the early-drop backoff's, or for a late drop with 1001 or 1012
     *     a random part of {@code goingAwayJitter}; otherwise zero
     * @param failure the error to end with when the connection gives up; null when it reconnects or ends normally
     * @param lifetime how long the session was ready
     */
    record Decision(Kind kind, Duration delay, @Nullable String failure, Duration lifetime) {
        boolean reconnects() {
            return kind == Kind.RECONNECT || kind == Kind.RECONNECT_AFTER_EARLY_DROP;
        }
    }

    private final int maxQuickFailures;
    private final Duration quickFailureWindow;
    private final Duration earlyDropWindow;
    private final Backoff earlyDropBackoff;
    private final Duration earlyDropBudget;
    private final boolean reconnectAfterLateDrop;
    private final RandomGenerator random;
    private final long goingAwayJitterNanos;

    private long readyAtNanos;
    private int quickFailures;
    private int earlyDrops;
    private long firstEarlyDropNanos;

    DropPolicy(ConnectionConfig config) {
        this.maxQuickFailures = config.maxQuickFailures();
        this.quickFailureWindow = config.quickFailureWindow();
        this.earlyDropWindow = config.earlyDropWindow();
        this.earlyDropBackoff = config.earlyDropBackoff();
        this.earlyDropBudget = config.earlyDropBudget();
        this.reconnectAfterLateDrop = config.reconnectAfterLateDrop();
        this.goingAwayJitterNanos = config.goingAwayJitter().toNanos();
        this.random = config.random();
    }

    /** A new lifecycle ({@code connect()}) starts with fresh budgets. */
    void lifecycleStarted() {
        quickFailures = 0;
        earlyDrops = 0;
    }

    /** A session became ready at {@code nanos}. */
    void ready(long nanos) {
        readyAtNanos = nanos;
    }

    /** How long the last session to become ready has been ready at {@code nanos}. */
    Duration readyFor(long nanos) {
        return Duration.ofNanos(nanos - readyAtNanos);
    }

    /**
     * The ready session dropped at {@code nanos}.
     *
     * @param code the close code the server sent, or {@link dev.tether.client.Disconnection#ABNORMAL_CLOSURE}
     * @param reason the close reason (or the cause of an abnormal drop), for the error of a late drop
     * @param onPurpose whether the application was disconnecting
     */
    Decision dropped(long nanos, int code, String reason, boolean onPurpose) {
        Duration lifetime = readyFor(nanos);
        if (onPurpose) {
            return new Decision(Kind.DISCONNECTED_ON_PURPOSE, Duration.ZERO, null, lifetime);
        }
        if (code == CloseCodes.NORMAL) {
            return new Decision(Kind.CLOSED_NORMALLY, Duration.ZERO, null, lifetime);
        }
        if (maxQuickFailures > 0) {
            if (lifetime.compareTo(quickFailureWindow) < 0) {
                quickFailures++;
                if (quickFailures >= maxQuickFailures) {
                    return giveUp(
                            Kind.QUICK_FAILURES,
                            "connection failed " + quickFailures + " times immediately after connecting",
                            lifetime);
                }
            } else {
                quickFailures = 0;
            }
        }
        boolean windowOn = !earlyDropWindow.isZero();
        if (!windowOn || lifetime.compareTo(earlyDropWindow) >= 0) {
            earlyDrops = 0;
            if (windowOn && !reconnectAfterLateDrop) {
                return giveUp(Kind.LATE_DROP, "connection lost: " + code + " " + reason, lifetime);
            }
            boolean goingAway = code == CloseCodes.GOING_AWAY || code == CloseCodes.SERVICE_RESTART;
            Duration delay = goingAway && goingAwayJitterNanos > 0
                    ? Duration.ofNanos(random.nextLong(goingAwayJitterNanos))
                    : Duration.ZERO;
            return new Decision(Kind.RECONNECT, delay, null, lifetime);
        }
        earlyDrops++;
        if (earlyDrops == 1) {
            firstEarlyDropNanos = nanos;
        }
        Duration sinceFirst = Duration.ofNanos(nanos - firstEarlyDropNanos);
        if (earlyDrops > earlyDropBackoff.maxAttempts() || sinceFirst.compareTo(earlyDropBudget) > 0) {
            return giveUp(
                    Kind.EARLY_DROPS_EXHAUSTED,
                    "connection dropped " + earlyDrops + " times within " + Durations.format(earlyDropWindow)
                            + " of becoming ready (early-drop budget: " + retries() + " retries within "
                            + Durations.format(earlyDropBudget) + ")",
                    lifetime);
        }
        return new Decision(
                Kind.RECONNECT_AFTER_EARLY_DROP, earlyDropBackoff.delay(earlyDrops, random), null, lifetime);
    }

    private String retries() {
        int max = earlyDropBackoff.maxAttempts();
        return max == Integer.MAX_VALUE ? "unlimited" : String.valueOf(max);
    }

    private static Decision giveUp(Kind kind, String failure, Duration lifetime) {
        return new Decision(kind, Duration.ZERO, failure, lifetime);
    }
}
