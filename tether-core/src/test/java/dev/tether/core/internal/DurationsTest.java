package dev.tether.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

    @Test
    void parsesEachUnit() {
        assertThat(Durations.parsePeriod("10s")).isEqualTo(Duration.ofSeconds(10));
        assertThat(Durations.parsePeriod("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(Durations.parsePeriod("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(Durations.parsePeriod("2d")).isEqualTo(Duration.ofDays(2));
    }

    @Test
    void parsesDecimalsExactly() {
        assertThat(Durations.parsePeriod("1.5m")).isEqualTo(Duration.ofSeconds(90));
        assertThat(Durations.parsePeriod("0.1s")).isEqualTo(Duration.ofMillis(100));
        assertThat(Durations.parsePeriod(".5h")).isEqualTo(Duration.ofMinutes(30));
        assertThat(Durations.parsePeriod(" 3s ")).isEqualTo(Duration.ofSeconds(3));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "\t"})
    void emptyPeriodHasWebshocketsMessage(String period) {
        assertThatThrownBy(() -> Durations.parsePeriod(period))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Duration cannot be empty.");
    }

    @ParameterizedTest
    @ValueSource(strings = {"10", "5x", "2w", "3S", "1M"})
    void otherUnitHasWebshocketsMessage(String period) {
        assertThatThrownBy(() -> Durations.parsePeriod(period))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Invalid duration unit. Expected one of s, h, m, d (e.g '10s', '5m', '1h', '2d')");
    }

    @ParameterizedTest
    @ValueSource(strings = {"s", "abcs", "1ms", "1e3s", "-5s", "1.s", "1 s"})
    void notANumberSaysWhatWasExpected(String period) {
        assertThatThrownBy(() -> Durations.parsePeriod(period))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "period: '" + period + "' (expected: a number followed by s, m, h or d, e.g. '10s', '1.5m')");
    }

    @Test
    void zeroIsRefused() {
        assertThatThrownBy(() -> Durations.parsePeriod("0s"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("period: '0s' (expected: > 0)");
    }
}
