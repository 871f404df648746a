package dev.tether.core.internal;

import java.math.BigDecimal;
import java.time.Duration;

/** Small helpers for {@link Duration}s: parsing rate-limit periods, messages and arithmetic. */
public final class Durations {
    /** The error for an empty period, as webshocket words it. */
    public static final String EMPTY_PERIOD = "Duration cannot be empty.";

    /** The error for a period with another unit, as webshocket words it. */
    public static final String INVALID_UNIT =
            "Invalid duration unit. Expected one of s, h, m, d (e.g '10s', '5m', '1h', '2d')";

    private Durations() {}

    /**
     * Parses a rate-limit period of webshocket.v1: a number (a decimal fraction is allowed, {@code 1.5m}) followed
     * by {@code s}, {@code m}, {@code h} or {@code d}. Surrounding blanks are ignored.
     *
     * @throws IllegalArgumentException with webshocket's exact message for an empty period or another unit, and
     *     {@code period: 'x' (expected: …)} for a number that is not one or not positive
     */
    public static Duration parsePeriod(String period) {
        String text = period.strip();
        if (text.isEmpty()) {
            throw new IllegalArgumentException(EMPTY_PERIOD);
        }
        long unitSeconds = switch (text.charAt(text.length() - 1)) {
            case 's' -> 1;
            case 'm' -> 60;
            case 'h' -> 3600;
            case 'd' -> 86_400;
            default -> throw new IllegalArgumentException(INVALID_UNIT);
        };
        String number = text.substring(0, text.length() - 1);
        BigDecimal amount;
        try {
            // BigDecimal, not double: "0.1s" is exactly 100 ms. The pattern keeps out exponents, signs and blanks.
            if (!number.matches("[0-9]+(\\.[0-9]+)?|\\.[0-9]+")) {
                throw new NumberFormatException(number);
            }
            amount = new BigDecimal(number);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "period: '" + period + "' (expected: a number followed by s, m, h or d, e.g. '10s', '1.5m')", e);
        }
        BigDecimal nanos = amount.multiply(BigDecimal.valueOf(unitSeconds)).movePointRight(9);
        if (nanos.signum() <= 0) {
            throw new IllegalArgumentException("period: '" + period + "' (expected: > 0)");
        }
        if (nanos.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            throw new IllegalArgumentException("period: '" + period + "' (expected: at most 292 years)");
        }
        return Duration.ofNanos(nanos.longValue());
    }

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
