package dev.tether.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {
    @ParameterizedTest
    @CsvSource({
        "10s, PT10S",
        "5m, PT5M",
        "1h, PT1H",
        "2d, PT48H",
        "1.5m, PT1M30S",
        "0.5s, PT0.5S",
        ".5h, PT30M",
        "3.s, PT3S",
        "0s, PT0S",
        "0.0000000004s, PT0S",
        "0.0000000005s, PT0.000000001S",
        "1.000000001s, PT1.000000001S",
        "007m, PT7M",
    })
    void parsesANumberAndAUnit(String period, Duration expected) {
        assertThat(Durations.parsePeriod(period)).isEqualTo(expected);
    }

    @Test
    void parsesTheLargestWholeDayCount() {
        assertThat(Durations.parsePeriod("106751991167300d")).isEqualTo(Duration.ofDays(106751991167300L));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "\t\n"})
    void emptyPeriodFailsWithPythonsMessage(String period) {
        assertThatThrownBy(() -> Durations.parsePeriod(period))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Duration cannot be empty.");
    }

    @ParameterizedTest
    @ValueSource(strings = {"10", "10ms", "10S", "10w", "5 ", "s1", "10y", "abcs", "1.5min"})
    void unknownUnitFailsWithPythonsMessage(String period) {
        assertThatThrownBy(() -> Durations.parsePeriod(period))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Invalid duration unit. Expected one of s, h, m, d (e.g '10s', '5m', '1h', '2d')");
    }

    @ParameterizedTest
    @ValueSource(strings = {"s", "1.2.3m", "1e3s", "+5s", " 5s", "5 s", "1,5m", ".s", "--5s"})
    void badNumberFailsShowingTheValue(String period) {
        assertThatThrownBy(() -> Durations.parsePeriod(period))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("period: '" + period + "' (expected: a number before the unit, e.g. '10s' or '1.5m')");
    }

    @Test
    void negativePeriodFails() {
        assertThatThrownBy(() -> Durations.parsePeriod("-5s"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("period: '-5s' (expected: >= 0)");
    }

    @Test
    void periodBeyondDurationFails() {
        assertThatThrownBy(() -> Durations.parsePeriod("1" + "0".repeat(30) + "d"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("period: '1000000000000000000000000000000d' (expected: at most ");
    }
}
