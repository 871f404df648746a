package dev.tether.cli;

import dev.tether.core.Setting;
import dev.tether.core.SettingValues;
import java.util.Locale;
import java.util.Objects;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.TypeConversionException;

/**
 * Command-line options made from the settings of a {@link dev.tether.core.SettingTable} that declare one: the option
 * name, its help line, the allowed values and the check all come from the {@link Setting}. A command adds them in a
 * picocli model transformer ({@link #addTo}) and reads them back with {@link #applyTo}.
 */
final class SettingOptions {
    private SettingOptions() {}

    /**
     * Adds an option to {@code spec} for each setting of {@code defaults}' table that declares one; its default is
     * the setting's value in {@code defaults}, which is what the command runs with when the option is not given.
     * Values are read and checked as they are parsed, so a bad one is a usage error naming the setting.
     */
    static CommandSpec addTo(CommandSpec spec, SettingValues defaults) {
        for (Setting<?> setting : defaults.table().settings()) {
            if (setting.option() != null) {
                spec.addOption(option(setting, defaults));
            }
        }
        return spec;
    }

    /**
     * Sets on {@code target} each setting that {@link #addTo} made an option for, to the option's value (its default
     * when it was not given).
     */
    static void applyTo(CommandSpec spec, SettingValues defaults, Target target) {
        for (Setting<?> setting : defaults.table().settings()) {
            String name = setting.option();
            if (name != null) {
                apply(setting, spec.findOption(name).getValue(), target);
            }
        }
    }

    private static <T> void apply(Setting<T> setting, Object value, Target target) {
        @SuppressWarnings("unchecked") // the option's converter made it with setting.parse
        T typed = (T) value;
        target.set(setting, typed);
    }

    private static <T> OptionSpec option(Setting<T> setting, SettingValues defaults) {
        String name = Objects.requireNonNull(setting.option());
        boolean flag = setting.typeName().equals("boolean");
        // Markdown is for the reference; a terminal shows plain text.
        String doc = setting.doc()
                .replaceAll("\\[([^]]+)]\\([^)]+\\)", "$1")
                .replace("`", "")
                .replace("%", "%%");
        return OptionSpec.builder(name)
                .paramLabel(flag ? "BOOLEAN" : label(setting.name()))
                .type(String.class)
                .arity(flag ? "0..1" : "1")
                .fallbackValue(flag ? "true" : "")
                .defaultValue(setting.format(defaults.get(setting)))
                .converters(text -> {
                    try {
                        return setting.parse(text);
                    } catch (IllegalArgumentException e) {
                        throw new TypeConversionException(e.getMessage());
                    }
                })
                .description(doc + " Allowed: " + setting.expected() + ". Default: ${DEFAULT-VALUE}.")
                .build();
    }

    /** The last word of a camel-case name in capitals: {@code maxFrameBytes} is {@code BYTES}. */
    private static String label(String name) {
        int start = name.length() - 1;
        while (start > 0 && !Character.isUpperCase(name.charAt(start))) {
            start--;
        }
        return name.substring(start).toUpperCase(Locale.ROOT);
    }

    /** Where {@link #applyTo} sets the values, e.g. {@code TetherServer.Builder::set}. */
    interface Target {
        <T> void set(Setting<T> setting, T value);
    }
}
