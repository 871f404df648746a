package dev.tether.core.internal;

import java.time.Duration;

/** Small helpers for {@link Duration}s in messages and arithmetic. */
public final class DurationMath {
    private DurationMath() {}

    /** {@code duration} in nanoseconds, saturated at {@link Long#MAX_VALUE} instead of overflowing. */
    public static long saturatedNanos(Duration duration) {
        try {
            return duration.toNanos();
        } catch (ArithmeticException e) {
            return duration.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }

    /** A short human form for messages: {@code 5 s}, {@code 1.5 s}, {@code 250 ms}. */
    public static String format(Duration duration) {
        long millis = duration.toMillis();
        if (millis % 1000 == 0) {
            return millis / 1000 + " s";
        }
        if (millis >= 1000) {
            return String.format(java.util.Locale.ROOT, "%.3f s", millis / 1000.0)
                    .replaceAll("0+ s$", " s");
        }
        return millis + " ms";
    }
}
