package dev.tether.testing;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Waits for a condition that no event announces (a counter, a flag read from another thread), checking it every
 * millisecond up to a bound. Prefer the {@code await} methods of the recorders, which wake on the event itself.
 */
public final class Await {
    /** How long {@link #until(String, BooleanSupplier)} waits. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    private Await() {}

    /** Waits up to 5 s until {@code condition} holds. */
    public static void until(String description, BooleanSupplier condition) {
        until(description, DEFAULT_TIMEOUT, condition);
    }

    /**
     * Waits up to {@code timeout} until {@code condition} holds.
     *
     * @throws AssertionError naming {@code description} if it did not hold in time
     */
    public static void until(String description, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline >= 0) {
                throw new AssertionError(
                        "Waited " + timeout.toMillis() + " ms until " + description + "; it did not happen");
            }
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                throw new AssertionError("Interrupted while waiting until " + description);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }
}
