package dev.tether.core;

import java.util.Objects;
import java.util.function.BiPredicate;
import java.util.function.Predicate;

/**
 * A rule between two settings of a {@link SettingTable}, checked when {@link SettingValues.Builder#build()} makes
 * the values, e.g. {@code maxFrameBytes <= maxMessageBytes}. Its error names both settings and both values:
 * {@code maxFrameBytes: 8388608 (expected: <= maxMessageBytes 4194304)}.
 */
public final class SettingRule {
    private final Setting<?> first;
    private final String relation;
    private final Setting<?> second;
    private final Predicate<SettingValues> holds;

    private SettingRule(Setting<?> first, String relation, Setting<?> second, Predicate<SettingValues> holds) {
        this.first = first;
        this.relation = Checks.notEmpty(relation, "relation");
        this.second = second;
        this.holds = holds;
    }

    /** {@code first <= second}, for two number settings. */
    public static SettingRule atMost(Setting<? extends Number> first, Setting<? extends Number> second) {
        return of(first, "<=", second, (a, b) -> a.longValue() <= b.longValue());
    }

    /** {@code first >= second}, for two number settings. */
    public static SettingRule atLeast(Setting<? extends Number> first, Setting<? extends Number> second) {
        return of(first, ">=", second, (a, b) -> a.longValue() >= b.longValue());
    }

    /**
     * {@code first relation second}, where {@code holds} decides; {@code relation} is what the error and the
     * documentation show between the names, e.g. {@code "<"} or {@code "shorter than"}.
     */
    public static <A, B> SettingRule of(
            Setting<A> first, String relation, Setting<B> second, BiPredicate<? super A, ? super B> holds) {
        Objects.requireNonNull(holds, "holds");
        return new SettingRule(first, relation, second, values -> holds.test(values.get(first), values.get(second)));
    }

    /** The setting the error names first. */
    public Setting<?> first() {
        return first;
    }

    /** The other setting. */
    public Setting<?> second() {
        return second;
    }

    /** The rule as the documentation shows it: {@code maxFrameBytes <= maxMessageBytes}. */
    @Override
    public String toString() {
        return first.name() + " " + relation + " " + second.name();
    }

    void check(SettingValues values) {
        if (!holds.test(values)) {
            throw new IllegalArgumentException(first.name() + ": " + values.get(first) + " (expected: " + relation + " "
                    + second.name() + " " + values.get(second) + ")");
        }
    }
}
