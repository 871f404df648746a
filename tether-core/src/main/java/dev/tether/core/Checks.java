package dev.tether.core;

import java.time.Duration;
import java.util.Objects;

/**
 * Argument checks for builders and settings, shared by Tether's modules, with Tether's message form {@code name: value (expected: …)}. Each returns the value
 * so a setter can assign it in one line.
 */
public final class Checks {
    private Checks() {}

    /** {@code value}, if it is in {@code min..max}. */
    public static int inRange(int value, int min, int max, String name) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: " + min + ".." + max + ")");
        }
        return value;
    }

    /** {@code value}, if it is above zero. */
    public static int positive(int value, String name) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
        }
        return value;
    }

    /** {@code value}, if it is longer than zero. */
    public static Duration positive(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
        }
        return value;
    }

    /** {@code value}, if it is zero or longer. */
    public static Duration notNegative(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isNegative()) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: >= 0)");
        }
        return value;
    }

    /** {@code value}, if it is not empty. */
    public static String notEmpty(String value, String name) {
        if (value.isEmpty()) {
            throw new IllegalArgumentException(name + ": '' (expected: not empty)");
        }
        return value;
    }
}
