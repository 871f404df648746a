package dev.tether.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.testing.internal.RecordingLeakDetectorFactory;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import io.netty.util.ResourceLeakTracker;
import org.junit.jupiter.api.Test;

class LeakDetectionExtensionTest {

    /** A resource type of its own, so the test works whenever in the JVM's life it runs. */
    private static final class Resource {}

    @Test
    void aResourceCollectedWithoutCloseIsReported() {
        RecordingLeakDetectorFactory.install();
        RecordingLeakDetectorFactory.takeLeaks();
        ResourceLeakDetector<Resource> detector =
                ResourceLeakDetectorFactory.instance().newResourceLeakDetector(Resource.class, 1);

        leak(detector);
        for (int round = 0; round < 5; round++) {
            System.gc();
            Resource resource = new Resource();
            ResourceLeakTracker<Resource> tracker = detector.track(resource); // tracking looks for leaks
            tracker.close(resource);
        }

        assertThat(RecordingLeakDetectorFactory.takeLeaks())
                .anySatisfy(report -> assertThat(report).contains("Resource.release() was not called"));
    }

    @Test
    void aReleasedBufferIsNotReported() {
        RecordingLeakDetectorFactory.install();
        RecordingLeakDetectorFactory.takeLeaks();
        io.netty.buffer.ByteBufAllocator.DEFAULT.buffer(16).release();

        RecordingLeakDetectorFactory.detectLeaks(2);

        assertThat(RecordingLeakDetectorFactory.takeLeaks()).isEmpty();
    }

    private static void leak(ResourceLeakDetector<Resource> detector) {
        detector.track(new Resource()); // never closed: the resource is garbage as soon as this returns
    }
}
