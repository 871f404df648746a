package dev.tether.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The settings mechanism on a small table of its own, as a second configuration would declare one. */
class SettingTableTest {
    private static final SettingTable.Builder TABLE = SettingTable.builder();
    static final Setting<Integer> FRAME = TABLE.add(
            Setting.ofInt("maxFrameBytes", 1024).range(1, 4096).bytes().option().doc("Largest frame."));
    static final Setting<Integer> MESSAGE = TABLE.add(
            Setting.ofInt("maxMessageBytes", 2048).range(1, 8192).bytes().doc("Largest message."));
    static final Setting<Duration> PING = TABLE.add(Setting.ofDuration("pingInterval", Duration.ofSeconds(30))
            .notNegative()
            .option()
            .doc("Ping after."));
    static final Setting<List<String>> SUBPROTOCOLS =
            TABLE.add(Setting.<List<String>>of("subprotocols", "List<String>", List.of())
                    .copy(List::copyOf)
                    .doc("Subprotocols offered."));
    static final Setting<String> PATH =
            TABLE.add(Setting.<String>of("path", "String", null).nullable().doc("The path, or none."));
    static final SettingTable ALL =
            TABLE.rule(SettingRule.atMost(FRAME, MESSAGE)).build();

    @Test
    void defaultsAreTheDeclaredValues() {
        SettingValues values = ALL.defaults().build();

        assertThat(values.get(FRAME)).isEqualTo(1024);
        assertThat(values.get(PING)).isEqualTo(Duration.ofSeconds(30));
        assertThat(values.get(PATH)).isNull();
    }

    @Test
    void valueOutsideTheRangeNamesSettingAndRange() {
        assertThatThrownBy(() -> ALL.defaults().set(FRAME, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxFrameBytes: 0 (expected: 1..4096)");
    }

    @Test
    void brokenRuleNamesBothSettingsAndValues() {
        SettingValues.Builder builder = ALL.defaults().set(MESSAGE, 100);

        assertThatThrownBy(builder::build).hasMessage("maxFrameBytes: 1024 (expected: <= maxMessageBytes 100)");
    }

    @Test
    void copyKeepsLaterChangesOfTheCallersCollectionOut() {
        List<String> offered = new ArrayList<>(List.of("chat"));
        SettingValues values = ALL.defaults().set(SUBPROTOCOLS, offered).build();

        offered.add("superchat");

        assertThat(values.get(SUBPROTOCOLS)).containsExactly("chat");
    }

    @Test
    void toBuilderStartsFromTheValuesAndLeavesThemAlone() {
        SettingValues values = ALL.defaults().set(FRAME, 10).build();

        SettingValues changed = values.toBuilder().set(FRAME, 20).build();

        assertThat(values.get(FRAME)).isEqualTo(10);
        assertThat(changed.get(FRAME)).isEqualTo(20);
        assertThat(values.toBuilder().build()).isEqualTo(values);
    }

    @Test
    void settingOfAnotherTableIsRefused() {
        Setting<Integer> stranger =
                SettingTable.builder().add(Setting.ofInt("other", 1).doc("Not in ALL."));

        assertThatThrownBy(() -> ALL.defaults().build().get(stranger))
                .hasMessageStartingWith("setting: other (expected: one of [maxFrameBytes, ");
    }

    @Test
    void nullForASettingThatIsNotNullableNamesIt() {
        assertThatThrownBy(() -> ALL.defaults().set(PING, null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("pingInterval");
    }

    @Test
    void parseReadsTheCommandLineFormAndChecksIt() {
        assertThat(PING.parse("1.5m")).isEqualTo(Duration.ofSeconds(90));
        assertThat(PING.parse("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(PING.parse("PT2S")).isEqualTo(Duration.ofSeconds(2));
        assertThat(PING.format(Duration.ofMillis(250))).isEqualTo("250ms");
        assertThatThrownBy(() -> FRAME.parse("lots")).hasMessage("maxFrameBytes: 'lots' (expected: int, 1..4096)");
        assertThatThrownBy(() -> FRAME.parse("5000")).hasMessage("maxFrameBytes: 5000 (expected: 1..4096)");
    }

    @Test
    void optionNameIsTheKebabCaseName() {
        assertThat(FRAME.option()).isEqualTo("--max-frame-bytes");
        assertThat(MESSAGE.option()).isNull();
    }

    @Test
    void nameDeclaredTwiceIsRefused() {
        SettingTable.Builder table = SettingTable.builder();
        table.add(Setting.ofInt("port", 1).doc("A port."));

        assertThatThrownBy(() -> table.add(Setting.ofInt("port", 2).doc("Again.")))
                .hasMessage("name: port (expected: declared once)");
    }

    @Test
    void defaultOutsideTheRangeIsRefusedAtDeclaration() {
        assertThatThrownBy(() -> SettingTable.builder()
                        .add(Setting.ofInt("port", -1).range(0, 65_535).doc("A port.")))
                .hasMessage("port: -1 (expected: 0..65535)");
    }

    @Test
    void markdownHasARowPerSettingAndTheRules() {
        assertThat(ALL.markdown())
                .contains("| `maxFrameBytes` | `int` | 1 KiB | 1..4096 | `--max-frame-bytes` | Largest frame. |")
                .contains("| `pingInterval` | `Duration` | 30 s | >= 0 | `--ping-interval` | Ping after. |")
                .contains("| `path` | `String` | none | any |  | The path, or none. |")
                .contains("- `maxFrameBytes <= maxMessageBytes`");
    }
}
