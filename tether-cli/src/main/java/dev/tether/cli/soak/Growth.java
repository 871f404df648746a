package dev.tether.cli.soak;

import java.util.Arrays;
import java.util.Locale;

/**
 * Decides whether a resource grew during a soak: the samples after the warm-up are cut into thirds, and the median of
 * the last third is compared with the median of the second. The first third is left out as the load's own settling
 * (pools filling, the JIT, caches); medians make one outlier sample (a collection, a burst of reconnects) harmless. A
 * resource grew when the difference is larger than both its absolute tolerance and its relative one.
 *
 * <p>A series that is never measured (all values negative, such as a meter the server does not export) is skipped,
 * not failed.
 */
final class Growth {
    private Growth() {}

    /** A resource and what it may grow by between the two medians. */
    record Limit(String resource, String unit, double absolute, double relative) {
        Limit {
            if (absolute < 0 || relative < 0) {
                throw new IllegalArgumentException(
                        "tolerance of " + resource + ": " + absolute + ", " + relative + " (expected: >= 0)");
            }
        }

        /** The growth allowed above a median of {@code base}. */
        double allowed(double base) {
            return Math.max(absolute, relative * base);
        }
    }

    /** The verdict on one resource. */
    record Verdict(Limit limit, double middle, double last, double slopePerHour, boolean measured, boolean grew) {
        double growth() {
            return last - middle;
        }

        /** One line: the resource, both medians, the growth and what was allowed. */
        String describe() {
            if (!measured) {
                return limit.resource() + ": not measured";
            }
            return String.format(
                    Locale.ROOT,
                    "%s: %s -> %s (median of the second third -> of the last third), %s%s (allowed: %s)",
                    limit.resource(),
                    format(middle, limit.unit()),
                    format(last, limit.unit()),
                    growth() >= 0 ? "+" : "-",
                    format(Math.abs(growth()), limit.unit()),
                    format(limit.allowed(middle), limit.unit()));
        }
    }

    /**
     * Judges {@code values} (one per sample, in order, taken at {@code seconds}), whose first {@code warmup} samples
     * are left out. Fewer than 3 samples after the warm-up cannot be judged and count as not measured.
     */
    static Verdict judge(Limit limit, double[] seconds, double[] values, int warmup) {
        if (seconds.length != values.length) {
            throw new IllegalArgumentException(
                    "samples: " + values.length + " values, " + seconds.length + " times (expected: as many)");
        }
        int n = values.length - warmup;
        if (n < 3 || Arrays.stream(values, warmup, values.length).anyMatch(v -> v < 0)) {
            return new Verdict(limit, -1, -1, 0, false, false);
        }
        int third = n / 3;
        int secondStart = warmup + third;
        int lastStart = warmup + n - third;
        double middle = median(values, secondStart, lastStart);
        double last = median(values, lastStart, values.length);
        double slope = slope(seconds, values, warmup) * 3600;
        boolean grew = last - middle > limit.allowed(middle);
        return new Verdict(limit, middle, last, slope, true, grew);
    }

    static double median(double[] values, int from, int to) {
        double[] sorted = Arrays.copyOfRange(values, from, to);
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** The least-squares slope of the values after the warm-up, per second (reported, not judged). */
    static double slope(double[] seconds, double[] values, int warmup) {
        int n = values.length - warmup;
        double mx = 0;
        double my = 0;
        for (int i = warmup; i < values.length; i++) {
            mx += seconds[i];
            my += values[i];
        }
        mx /= n;
        my /= n;
        double sxy = 0;
        double sxx = 0;
        for (int i = warmup; i < values.length; i++) {
            sxy += (seconds[i] - mx) * (values[i] - my);
            sxx += (seconds[i] - mx) * (seconds[i] - mx);
        }
        return sxx == 0 ? 0 : sxy / sxx;
    }

    static String format(double value, String unit) {
        return switch (unit) {
            case "bytes" -> String.format(Locale.ROOT, "%.1f MiB", value / (1 << 20));
            case "ms" -> String.format(Locale.ROOT, "%.2f ms", value);
            default -> String.format(Locale.ROOT, "%.0f", value);
        };
    }
}
