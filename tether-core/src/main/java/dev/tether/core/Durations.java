package dev.tether.core;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Durations as Tether reads and writes them: the period strings of webshocket.v1 (such as a rate limit's
 * {@code "10s"}), saturated nanoseconds for timers, and a short form for messages.
 */
public final class Durations {
    private static final Pattern NUMBER = Pattern.compile("[0-9]+(\\.[0-9]*)?|\\.[0-9]+");
    private static final BigDecimal NANOS_PER_SECOND = BigDecimal.valueOf(1_000_000_000L);

    private Durations() {}

    /**
     * Parses a rate-limit period: a non-negative number, decimals allowed, followed by {@code s}, {@code m},
     * {@code h} or {@code d}, as in {@code "10s"}, {@code "1.5m"}, {@code "2d"}. No spaces, no sign, no exponent.
     * Fractions of a nanosecond round to the nearest nanosecond.
     *
     * @throws IllegalArgumentException with the Python library's message {@code Duration cannot be empty.} for an
     *     empty or blank string, and {@code Invalid duration unit. Expected one of s, h, m, d (e.g '10s', '5m',
     *     '1h', '2d')} when the trailing letters are another unit ({@code "10ms"}) or there are none
     *     ({@code "10"}); for a bad or negative number, a message showing the value
     */
    public static Duration parsePeriod(String period) {
        if (period.isBlank()) {
            throw new IllegalArgumentException("Duration cannot be empty.");
        }
        int unitStart = period.length();
        while (unitStart > 0 && Character.isLetter(period.charAt(unitStart - 1))) {
            unitStart--;
        }
        long unitSeconds = switch (period.substring(unitStart)) {
            case "s" -> 1;
            case "m" -> 60;
            case "h" -> 3_600;
            case "d" -> 86_400;
            default ->
                throw new IllegalArgumentException(
                        "Invalid duration unit. Expected one of s, h, m, d (e.g '10s', '5m', '1h', '2d')");
        };
        String number = period.substring(0, unitStart);
        if (!NUMBER.matcher(number).matches()) {
            boolean negative = number.startsWith("-")
                    && NUMBER.matcher(number.substring(1)).matches();
            String expected = negative ? ">= 0" : "a number before the unit, e.g. '10s' or '1.5m'";
            throw new IllegalArgumentException("period: '" + period + "' (expected: " + expected + ")");
        }
        BigDecimal seconds = new BigDecimal(number).multiply(BigDecimal.valueOf(unitSeconds));
        try {
            BigDecimal whole = seconds.setScale(0, RoundingMode.DOWN);
            long nanos = seconds.subtract(whole)
                    .multiply(NANOS_PER_SECOND)
                    .setScale(0, RoundingMode.HALF_UP)
                    .longValueExact();
            return Duration.ofSeconds(whole.longValueExact(), nanos);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("period: '" + period + "' (expected: at most " + Long.MAX_VALUE + "s)");
        }
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
            return String.format(Locale.ROOT, "%.3f s", millis / 1000.0).replaceAll("0+ s$", " s");
        }
        return millis + " ms";
    }
}
