package dev.tether.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.testing.internal.RecordingLeakDetectorFactory;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import io.netty.util.ResourceLeakTracker;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LeakDetectionExtensionTest {

    /** A resource type of its own, so the test works whenever in the JVM's life it runs. */
    private static final class Resource {}

    @Test
    void aResourceCollectedWithoutCloseIsReported() throws InterruptedException {
        RecordingLeakDetectorFactory.install();
        RecordingLeakDetectorFactory.takeLeaks();
        ResourceLeakDetector<Resource> detector =
                ResourceLeakDetectorFactory.instance().newResourceLeakDetector(Resource.class, 1);

        leak(detector);
        List<String> leaks = new ArrayList<>();
        for (int round = 0; round < 20 && leaks.isEmpty(); round++) {
            collectGarbage();
            Resource resource = new Resource();
            ResourceLeakTracker<Resource> tracker = detector.track(resource); // tracking looks for leaks
            tracker.close(resource);
            leaks.addAll(RecordingLeakDetectorFactory.takeLeaks());
        }

        assertThat(leaks).anySatisfy(report -> assertThat(report).contains("Resource.release() was not called"));
    }

    @Test
    void aReleasedBufferIsNotReported() {
        RecordingLeakDetectorFactory.install();
        RecordingLeakDetectorFactory.takeLeaks();
        io.netty.buffer.ByteBufAllocator.DEFAULT.buffer(16).release();

        RecordingLeakDetectorFactory.detectLeaks(2);

        assertThat(RecordingLeakDetectorFactory.takeLeaks()).isEmpty();
    }

    /** A full collection, then a wait until the reference handler has queued what it cleared. */
    private static void collectGarbage() throws InterruptedException {
        ReferenceQueue<Object> queue = new ReferenceQueue<>();
        WeakReference<Object> sentinel = new WeakReference<>(new Object(), queue);
        System.gc();
        queue.remove(1000);
        sentinel.clear();
    }

    private static void leak(ResourceLeakDetector<Resource> detector) {
        detector.track(new Resource()); // never closed: the resource is garbage as soon as this returns
    }
}
