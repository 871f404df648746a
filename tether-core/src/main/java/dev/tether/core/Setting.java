package dev.tether.core;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * One setting of a configuration, declared once: its name, type, default, the values it allows, a line of
 * documentation and, for a value that fits on a command line, the option that sets it. A {@link SettingTable}
 * lists a configuration's settings in order; {@link SettingValues} holds one value of each. Builders and
 * configuration types are thin typed methods over these; validation, the {@code tether} command's options and the
 * configuration reference all derive from the declaration.
 *
 * <pre>{@code
 * public static final Setting<Integer> MAX_FRAME_BYTES = TABLE.add(Setting.ofInt("maxFrameBytes", 4 << 20)
 *         .range(126, Integer.MAX_VALUE)
 *         .bytes()
 *         .option()
 *         .doc("The largest frame accepted; a larger one closes the session with 1009."));
 * }</pre>
 *
 * @param <T> the value's type; {@code null} is a value only for a setting declared {@link Builder#nullable()}
 */
public final class Setting<T> {
    private final String name;
    private final String typeName;
    private final @Nullable T defaultValue;
    private final Predicate<? super T> valid;
    private final String expected;
    private final boolean nullable;
    private final String doc;
    private final @Nullable String defaultText;
    private final @Nullable String option;
    private final @Nullable Function<String, T> parser;
    private final Function<T, String> formatter;
    private final boolean bytes;
    private final UnaryOperator<T> copy;
    final int index;

    private Setting(Builder<T> b, int index) {
        this.name = b.name;
        this.typeName = b.typeName;
        this.defaultValue = b.defaultValue;
        this.valid = b.valid;
        this.expected = b.expected;
        this.nullable = b.nullable;
        this.doc = b.doc;
        this.defaultText = b.defaultText;
        this.option = b.option;
        this.parser = b.parser;
        this.formatter = b.formatter;
        this.bytes = b.bytes;
        this.copy = b.copy;
        this.index = index;
        if (doc.isEmpty()) {
            throw new IllegalArgumentException(name + ".doc: '' (expected: one line of documentation)");
        }
        if (option != null && parser == null) {
            throw new IllegalArgumentException(name + ".option: " + option + " (expected: none, " + typeName
                    + " cannot be read from a command line)");
        }
        if (defaultValue != null || !nullable) {
            check(defaultValue);
        }
    }

    /** An {@code int} setting, any value allowed until {@link Builder#range} narrows it. */
    public static Builder<Integer> ofInt(String name, int defaultValue) {
        return new Builder<Integer>(name, "int", defaultValue, Integer::valueOf, String::valueOf)
                .check(v -> true, "any int");
    }

    /** A {@code long} setting, any value allowed until {@link Builder#range} narrows it. */
    public static Builder<Long> ofLong(String name, long defaultValue) {
        return new Builder<Long>(name, "long", defaultValue, Long::valueOf, String::valueOf)
                .check(v -> true, "any long");
    }

    /** A {@code boolean} setting; on a command line, the option alone means {@code true}. */
    public static Builder<Boolean> ofBoolean(String name, boolean defaultValue) {
        return new Builder<Boolean>(name, "boolean", defaultValue, Setting::parseBoolean, String::valueOf)
                .check(v -> true, "true or false");
    }

    /**
     * A {@link Duration} setting, any length allowed until {@link Builder#positive()} or {@link Builder#notNegative()}
     * narrows it. A command line writes it {@code 30s}, {@code 1.5m}, {@code 250ms} or ISO-8601 {@code PT30S}.
     */
    public static Builder<Duration> ofDuration(String name, Duration defaultValue) {
        return new Builder<Duration>(name, "Duration", defaultValue, Setting::parseDuration, Setting::formatDuration)
                .check(v -> true, "any Duration");
    }

    /** A {@code String} setting. */
    public static Builder<String> ofString(String name, String defaultValue) {
        return new Builder<String>(name, "String", defaultValue, Function.identity(), Function.identity())
                .check(v -> true, "any String");
    }

    /** A setting whose values are the constants of {@code type}, named as in Java on a command line. */
    public static <E extends Enum<E>> Builder<E> ofEnum(String name, Class<E> type, E defaultValue) {
        return new Builder<E>(
                        name,
                        type.getSimpleName(),
                        defaultValue,
                        text -> Enum.valueOf(type, text.toUpperCase(Locale.ROOT)),
                        Enum::name)
                .check(v -> true, "one of " + String.join(", ", enumNames(type)));
    }

    /**
     * A setting of any other type, such as a handler or a codec: it is checked only against {@code null} (unless
     * {@link Builder#nullable()}) and cannot be set from a command line.
     *
     * @param typeName the type as the documentation shows it, e.g. {@code TetherHandler}
     */
    public static <T> Builder<T> of(String name, String typeName, @Nullable T defaultValue) {
        return new Builder<T>(name, typeName, defaultValue, null, String::valueOf).check(v -> true, "any");
    }

    /** The name, which is also the builder method and the accessor of the setting. */
    public String name() {
        return name;
    }

    /** The type as the documentation shows it: {@code int}, {@code Duration}, {@code SlowConsumerPolicy}. */
    public String typeName() {
        return typeName;
    }

    /** The value a configuration has when nobody set this one. */
    public @Nullable T defaultValue() {
        return defaultValue;
    }

    /** Whether {@code null} is a value of this setting (for example "none"). */
    public boolean isNullable() {
        return nullable;
    }

    /** The values allowed, as error messages and the documentation show them: {@code 1..65535}, {@code > 0}. */
    public String expected() {
        return expected;
    }

    /** One line of documentation. */
    public String doc() {
        return doc;
    }

    /** The command-line option that sets it, such as {@code --max-frame-bytes}, or {@code null} for none. */
    public @Nullable String option() {
        return option;
    }

    /** Whether the value counts bytes (the documentation then shows {@code 4 MiB} for 4194304). */
    public boolean isBytes() {
        return bytes;
    }

    /**
     * {@code value}, if this setting allows it; for a setting declared with {@link Builder#copy}, an immutable copy.
     *
     * @throws IllegalArgumentException naming the setting, the value and what it allows, e.g.
     *     {@code maxFrameBytes: 0 (expected: 126..2147483647)}
     * @throws NullPointerException for {@code null} when the setting is not nullable
     */
    public @Nullable T check(@Nullable T value) {
        if (value == null) {
            if (!nullable) {
                throw new NullPointerException(name);
            }
            return null;
        }
        if (!valid.test(value)) {
            throw new IllegalArgumentException(name + ": " + show(value) + " (expected: " + expected + ")");
        }
        return copy.apply(value);
    }

    /**
     * Reads a value as a command line writes it, and checks it.
     *
     * @throws IllegalArgumentException if the text is not a value of this setting, naming the setting
     * @throws UnsupportedOperationException if the setting has no command-line form
     */
    public T parse(String text) {
        if (parser == null) {
            throw new UnsupportedOperationException(name + " cannot be read from text");
        }
        T value;
        try {
            value = parser.apply(text.strip());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    name + ": '" + text + "' (expected: " + typeName + ", " + expected + ")", e);
        }
        return Objects.requireNonNull(check(value), name);
    }

    /** {@code value} as a command line writes it (the inverse of {@link #parse}); {@code none} for {@code null}. */
    public String format(@Nullable T value) {
        return value == null ? "none" : formatter.apply(value);
    }

    /** The default as the documentation shows it: {@code 4 MiB}, {@code 30 s}, {@code none}. */
    public String defaultText() {
        if (defaultText != null) {
            return defaultText;
        }
        T value = defaultValue;
        if (value == null) {
            return "none";
        }
        if (bytes && value instanceof Number number) {
            return formatBytes(number.longValue());
        }
        if (value instanceof Duration duration) {
            return Durations.format(duration);
        }
        return formatter.apply(value);
    }

    @Override
    public String toString() {
        return name;
    }

    private String show(T value) {
        return value instanceof String s && s.isEmpty() ? "''" : String.valueOf(value);
    }

    static String formatBytes(long bytes) {
        if (bytes != 0 && bytes % (1 << 20) == 0) {
            return bytes / (1 << 20) + " MiB";
        }
        if (bytes != 0 && bytes % (1 << 10) == 0) {
            return bytes / (1 << 10) + " KiB";
        }
        return String.valueOf(bytes);
    }

    private static String[] enumNames(Class<? extends Enum<?>> type) {
        Enum<?>[] constants = type.getEnumConstants();
        String[] names = new String[constants.length];
        for (int i = 0; i < constants.length; i++) {
            names[i] = constants[i].name();
        }
        return names;
    }

    private static Boolean parseBoolean(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(text);
        };
    }

    private static Duration parseDuration(String text) {
        if (text.startsWith("P") || text.startsWith("p")) {
            return Duration.parse(text);
        }
        if (text.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
        }
        return Durations.parsePeriod(text);
    }

    private static String formatDuration(Duration duration) {
        if (duration.getNano() == 0) {
            return duration.getSeconds() + "s";
        }
        if (duration.getNano() % 1_000_000 == 0) {
            return duration.toMillis() + "ms";
        }
        return duration.toString();
    }

    /**
     * The declaration of a setting, turned into a {@link Setting} by {@link SettingTable.Builder#add}. Not
     * thread-safe.
     */
    public static final class Builder<T> {
        private final String name;
        private final String typeName;
        private final @Nullable T defaultValue;
        private final @Nullable Function<String, T> parser;
        private final Function<T, String> formatter;
        private Predicate<? super T> valid = v -> true;
        private String expected = "";
        private boolean nullable;
        private String doc = "";
        private @Nullable String defaultText;
        private @Nullable String option;
        private boolean bytes;
        private UnaryOperator<T> copy = UnaryOperator.identity();

        private Builder(
                String name,
                String typeName,
                @Nullable T defaultValue,
                @Nullable Function<String, T> parser,
                Function<T, String> formatter) {
            this.name = Checks.notEmpty(name, "name");
            this.typeName = typeName;
            this.defaultValue = defaultValue;
            this.parser = parser;
            this.formatter = formatter;
        }

        /** Allows only values for which {@code valid} holds; {@code expected} says which, e.g. {@code "> 0"}. */
        public Builder<T> check(Predicate<? super T> valid, String expected) {
            this.valid = Objects.requireNonNull(valid, "valid");
            this.expected = Checks.notEmpty(expected, "expected");
            return this;
        }

        /** Allows the numbers {@code min..max}, both included. */
        public Builder<T> range(long min, long max) {
            if (min > max) {
                throw new IllegalArgumentException("min: " + min + " (expected: <= max " + max + ")");
            }
            return check(v -> ((Number) v).longValue() >= min && ((Number) v).longValue() <= max, min + ".." + max);
        }

        /** Allows durations longer than zero. */
        public Builder<T> positive() {
            return check(v -> !((Duration) v).isNegative() && !((Duration) v).isZero(), "> 0");
        }

        /** Allows durations of zero or longer. */
        public Builder<T> notNegative() {
            return check(v -> !((Duration) v).isNegative(), ">= 0");
        }

        /** Allows strings that are not empty. */
        public Builder<T> notEmpty() {
            return check(v -> !((String) v).isEmpty(), "not empty");
        }

        /** Allows {@code null}, meaning "none" (the documentation shows it so). */
        public Builder<T> nullable() {
            this.nullable = true;
            return this;
        }

        /**
         * Stores what {@code copy} makes of a value instead of the value, e.g. {@code Set::copyOf}, so that a
         * collection the caller changes later does not change the configuration.
         */
        public Builder<T> copy(UnaryOperator<T> copy) {
            this.copy = Objects.requireNonNull(copy, "copy");
            return this;
        }

        /** Marks a number of bytes, shown as {@code 4 MiB} in the documentation. */
        public Builder<T> bytes() {
            this.bytes = true;
            return this;
        }

        /** The default as the documentation shows it, when the value alone does not say it ({@code unlimited}). */
        public Builder<T> defaultText(String defaultText) {
            this.defaultText = Checks.notEmpty(defaultText, "defaultText");
            return this;
        }

        /** Exposes the setting on the command line as {@code --kebab-case-name}. */
        public Builder<T> option() {
            return option("--" + name.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT));
        }

        /** Exposes the setting on the command line as {@code option}, e.g. {@code --port}. */
        public Builder<T> option(String option) {
            if (!option.startsWith("--")) {
                throw new IllegalArgumentException("option: " + option + " (expected: starts with '--')");
            }
            this.option = option;
            return this;
        }

        /** One line of documentation, for the builder's users, the reference and {@code --help}. */
        public Builder<T> doc(String doc) {
            this.doc = Checks.notEmpty(doc, "doc");
            return this;
        }

        Setting<T> build(int index) {
            return new Setting<>(this, index);
        }
    }
}
