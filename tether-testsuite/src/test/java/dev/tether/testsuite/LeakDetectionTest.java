package dev.tether.testsuite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.testing.LeakDetectionExtension;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.Test;

/**
 * The suite's leak check is on: every buffer is tracked, and leak reports go to the factory that {@link
 * dev.tether.testing.LeakDetectionExtension} (registered by auto-detection) turns into test failures.
 */
class LeakDetectionTest {
    @Test
    void everyBufferIsTrackedAndLeaksAreRecorded() {
        assertThat(ResourceLeakDetector.getLevel()).isEqualTo(ResourceLeakDetector.Level.PARANOID);
        assertThat(LeakDetectionExtension.isActive()).isTrue();
    }
}
