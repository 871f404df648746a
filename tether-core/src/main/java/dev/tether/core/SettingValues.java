package dev.tether.core;

import java.util.Arrays;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One value for each setting of a {@link SettingTable}, immutable, made by a {@link Builder} that checks every value
 * against its {@link Setting} and, in {@link Builder#build()}, the table's {@link SettingRule}s. A configuration
 * type keeps one of these and reads it in one-line accessors: {@code return values.get(MAX_FRAME_BYTES);}.
 * Thread-safe; values that are collections are stored as the caller gives them, so declare them as immutable
 * collections.
 */
public final class SettingValues {
    private final SettingTable table;
    private final @Nullable Object[] values;

    private SettingValues(SettingTable table, @Nullable Object[] values) {
        this.table = table;
        this.values = values;
        for (SettingRule rule : table.rules()) {
            rule.check(this);
        }
    }

    /** The table these are values of. */
    public SettingTable table() {
        return table;
    }

    /**
     * The value of {@code setting}; {@code null} only for a setting declared nullable.
     *
     * @throws IllegalArgumentException if the setting is not in this table
     */
    @SuppressWarnings({"unchecked", "NullAway"}) // set() checked the type and, per setting, null
    public <T> T get(Setting<T> setting) {
        checkDeclared(table, setting);
        return (T) values[setting.index];
    }

    /** A builder holding these values. */
    public Builder toBuilder() {
        return new Builder(table, values.clone());
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof SettingValues other && other.table == table && Arrays.equals(other.values, values);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(values);
    }

    /** {@code {name=value, ...}} in declaration order. */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder("{");
        for (Setting<?> s : table.settings()) {
            out.append(out.length() == 1 ? "" : ", ")
                    .append(s.name())
                    .append('=')
                    .append(values[s.index]);
        }
        return out.append('}').toString();
    }

    private static void checkDeclared(SettingTable table, Setting<?> setting) {
        if (!table.contains(setting)) {
            throw new IllegalArgumentException("setting: " + setting + " (expected: one of " + table.settings() + ")");
        }
    }

    /** Collects values, each checked as it is set. Not thread-safe. */
    public static final class Builder {
        private final SettingTable table;
        private final @Nullable Object[] values;

        Builder(SettingTable table) {
            this.table = table;
            this.values = new Object[table.settings().size()];
            for (Setting<?> s : table.settings()) {
                values[s.index] = s.defaultValue();
            }
        }

        private Builder(SettingTable table, @Nullable Object[] values) {
            this.table = table;
            this.values = values;
        }

        /**
         * Sets {@code setting} to {@code value}.
         *
         * @throws IllegalArgumentException naming the setting, if it does not allow the value or is not in the table
         * @throws NullPointerException for {@code null} when the setting is not nullable
         */
        public <T> Builder set(Setting<T> setting, @Nullable T value) {
            checkDeclared(table, setting);
            values[setting.index] = setting.check(value);
            return this;
        }

        /** The value set so far (or the default). */
        @SuppressWarnings({"unchecked", "NullAway"}) // set() checked the type and, per setting, null
        public <T> T get(Setting<T> setting) {
            checkDeclared(table, setting);
            return (T) values[setting.index];
        }

        /**
         * The values set so far, immutable.
         *
         * @throws IllegalArgumentException naming both settings, if a rule between them does not hold
         */
        public SettingValues build() {
            return new SettingValues(table, values.clone());
        }

        @Override
        public String toString() {
            return "SettingValues.Builder" + Objects.toString(Arrays.asList(values));
        }
    }
}
