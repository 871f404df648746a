package dev.tether.testing;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AwaitTest {
    @Test
    void returnsOnceTheConditionHolds() {
        AtomicInteger checks = new AtomicInteger();

        assertThatCode(() -> Await.until("three checks", () -> checks.incrementAndGet() >= 3))
                .doesNotThrowAnyException();
    }

    @Test
    void failsNamingTheConditionAfterTheTimeout() {
        assertThatThrownBy(() -> Await.until("pigs fly", Duration.ofMillis(50), () -> false))
                .isInstanceOf(AssertionError.class)
                .hasMessage("Waited 50 ms until pigs fly; it did not happen");
    }
}
