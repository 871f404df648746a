package dev.tether.server.spi;

import java.time.Duration;

/**
 * How much history a channel keeps: at most {@code size} publications, each for at most {@code ttl}. The position
 * of the channel (its epoch and latest offset) is kept for {@code metaTtl}, longer than the publications, so that a
 * subscriber who saw the last publication before the history expired is still told that it missed nothing.
 *
 * @param size the most publications kept, at least 1
 * @param ttl how long a publication is kept
 * @param metaTtl how long the channel's position outlives its last publication
 */
public record HistoryPolicy(int size, Duration ttl, Duration metaTtl) {

    public HistoryPolicy {
        if (size < 1) {
            throw new IllegalArgumentException("size: " + size + " (expected: >= 1)");
        }
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl: " + ttl + " (expected: > 0)");
        }
        if (metaTtl.compareTo(ttl) < 0) {
            throw new IllegalArgumentException("metaTtl: " + metaTtl + " (expected: >= ttl " + ttl + ")");
        }
    }

    /** A policy whose position is kept for a day, or for {@code ttl} when that is longer. */
    public static HistoryPolicy of(int size, Duration ttl) {
        Duration day = Duration.ofDays(1);
        return new HistoryPolicy(size, ttl, ttl.compareTo(day) > 0 ? ttl : day);
    }
}
