package dev.tether.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The settings of one configuration, in the order they are declared, and the rules between them. A configuration
 * declares its table once, as constants of a class:
 *
 * <pre>{@code
 * public final class EndpointSettings {
 *     private static final SettingTable.Builder TABLE = SettingTable.builder();
 *
 *     public static final Setting<Integer> MAX_FRAME_BYTES = TABLE.add(Setting.ofInt("maxFrameBytes", 4 << 20)
 *             .range(126, Integer.MAX_VALUE).bytes().option()
 *             .doc("The largest frame accepted; a larger one closes the session with 1009."));
 *     public static final Setting<Integer> MAX_MESSAGE_BYTES = TABLE.add(...);
 *
 *     public static final SettingTable ALL =
 *             TABLE.rule(SettingRule.atMost(MAX_FRAME_BYTES, MAX_MESSAGE_BYTES)).build();
 * }
 * }</pre>
 *
 * and keeps one {@link SettingValues} in its builder and its configuration. Thread-safe once built.
 */
public final class SettingTable {
    private final List<Setting<?>> settings;
    private final List<SettingRule> rules;

    private SettingTable(Builder b) {
        this.settings = List.copyOf(b.settings);
        this.rules = List.copyOf(b.rules);
    }

    /** An empty table to declare settings in. */
    public static Builder builder() {
        return new Builder();
    }

    /** The settings, in the order they were declared. */
    public List<Setting<?>> settings() {
        return settings;
    }

    /** The rules between settings, checked in this order. */
    public List<SettingRule> rules() {
        return rules;
    }

    /** Whether {@code setting} was declared in this table. */
    public boolean contains(Setting<?> setting) {
        return setting.index < settings.size() && settings.get(setting.index) == setting;
    }

    /** Builder of values with every setting at its default. */
    public SettingValues.Builder defaults() {
        return new SettingValues.Builder(this);
    }

    /**
     * The table as Markdown, for a configuration reference: one row per setting with its type, default, allowed
     * values, command-line option and documentation, then the rules between settings.
     */
    public String markdown() {
        StringBuilder out = new StringBuilder();
        out.append("| setting | type | default | allowed | option | meaning |\n");
        out.append("|---|---|---|---|---|---|\n");
        for (Setting<?> s : settings) {
            String option = s.option();
            out.append("| `")
                    .append(s.name())
                    .append("` | `")
                    .append(cell(s.typeName()))
                    .append("` | ")
                    .append(cell(s.defaultText()))
                    .append(" | ")
                    .append(cell(s.expected()))
                    .append(s.isNullable() && !s.expected().startsWith("any") ? " or none" : "")
                    .append(" | ")
                    .append(option == null ? "" : "`" + option + "`")
                    .append(" | ")
                    .append(cell(s.doc()))
                    .append(" |\n");
        }
        if (!rules.isEmpty()) {
            out.append("\nRules between settings, checked when the configuration is built:\n\n");
            for (SettingRule rule : rules) {
                out.append("- `").append(rule).append("`\n");
            }
        }
        return out.toString();
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }

    /** Collects the settings of a table as they are declared. Not thread-safe; used once, in static initializers. */
    public static final class Builder {
        private final List<Setting<?>> settings = new ArrayList<>();
        private final List<SettingRule> rules = new ArrayList<>();

        private Builder() {}

        /**
         * Declares a setting, next in order.
         *
         * @throws IllegalArgumentException if the name or the option is taken
         */
        public <T> Setting<T> add(Setting.Builder<T> declaration) {
            Setting<T> setting = declaration.build(settings.size());
            for (Setting<?> s : settings) {
                if (s.name().equals(setting.name())) {
                    throw new IllegalArgumentException("name: " + s.name() + " (expected: declared once)");
                }
                if (s.option() != null && Objects.equals(s.option(), setting.option())) {
                    throw new IllegalArgumentException(
                            setting.name() + ".option: " + s.option() + " (expected: not taken by " + s.name() + ")");
                }
            }
            settings.add(setting);
            return setting;
        }

        /** Adds a rule between two settings declared here. */
        public Builder rule(SettingRule rule) {
            if (!settings.contains(rule.first()) || !settings.contains(rule.second())) {
                throw new IllegalArgumentException("rule: " + rule + " (expected: between settings of this table)");
            }
            rules.add(rule);
            return this;
        }

        /** The table; the builder is done. */
        public SettingTable build() {
            return new SettingTable(this);
        }
    }
}
