package dev.tether.testing.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A leak detector factory whose detectors record each leak report (and still log it), so that a test can fail
 * on it. Netty asks the factory once per resource type, from static initialisers; that is why it must be
 * installed before Netty's buffers are first used.
 */
public final class RecordingLeakDetectorFactory extends ResourceLeakDetectorFactory {
    private static final List<String> LEAKS = new ArrayList<>();
    private static final Set<String> TRACKED_TYPES = ConcurrentHashMap.newKeySet();
    private static volatile boolean installed;

    private RecordingLeakDetectorFactory() {}

    /** Installs the factory once; later calls do nothing. */
    public static synchronized void install() {
        if (!installed) {
            ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new RecordingLeakDetectorFactory());
            installed = true;
        }
    }

    /** Whether Netty's buffer leak detector is one of ours (it is not if buffers were used before install). */
    public static boolean tracksBuffers() {
        // Touching the allocator initialises AbstractByteBuf, which asks the factory for its detector now if
        // it has not already.
        ByteBufAllocator.DEFAULT.heapBuffer(1).release();
        return TRACKED_TYPES.contains(ByteBuf.class.getSimpleName());
    }

    /**
     * Makes the detectors report what has leaked: garbage-collects, waits until the collected references are
     * queued, then allocates and releases buffers, because a detector looks at collected resources only when it
     * tracks a new one.
     */
    public static void detectLeaks(int rounds) {
        if (ResourceLeakDetector.getLevel() == ResourceLeakDetector.Level.DISABLED) {
            return;
        }
        // Below PARANOID only one allocation in 128 is tracked, so it takes more of them to trigger a check.
        int allocations = ResourceLeakDetector.getLevel() == ResourceLeakDetector.Level.PARANOID ? 4 : 512;
        for (int round = 0; round < rounds; round++) {
            collectGarbage();
            for (int i = 0; i < allocations; i++) {
                ByteBufAllocator.DEFAULT.heapBuffer(8).release();
                ByteBufAllocator.DEFAULT.directBuffer(8).release();
            }
        }
    }

    /**
     * Runs a full collection and waits (up to a second) until a reference it cleared has been queued: the JVM's
     * reference handler queues cleared references after the collection, and the detectors only see queued ones.
     */
    private static void collectGarbage() {
        ReferenceQueue<Object> queue = new ReferenceQueue<>();
        WeakReference<Object> sentinel = new WeakReference<>(new Object(), queue);
        System.gc();
        try {
            queue.remove(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sentinel.clear();
    }

    /** Returns and forgets the leak reports recorded so far. */
    public static List<String> takeLeaks() {
        synchronized (LEAKS) {
            List<String> leaks = List.copyOf(LEAKS);
            LEAKS.clear();
            return leaks;
        }
    }

    private static void record(String report) {
        synchronized (LEAKS) {
            LEAKS.add(report);
        }
    }

    @Override
    public <T> ResourceLeakDetector<T> newResourceLeakDetector(
            Class<T> resource, int samplingInterval, long maxActive) {
        return newResourceLeakDetector(resource, samplingInterval);
    }

    @Override
    public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval) {
        TRACKED_TYPES.add(resource.getSimpleName());
        return new RecordingDetector<>(resource, samplingInterval);
    }

    private static final class RecordingDetector<T> extends ResourceLeakDetector<T> {
        RecordingDetector(Class<T> resource, int samplingInterval) {
            super(resource, samplingInterval);
        }

        @Override
        protected boolean needReport() {
            return true; // record leaks even when error logging is off
        }

        @Override
        protected void reportTracedLeak(String resourceType, String records) {
            record("LEAK: " + resourceType + ".release() was not called before it was garbage-collected." + records);
            super.reportTracedLeak(resourceType, records);
        }

        @Override
        protected void reportUntracedLeak(String resourceType) {
            record("LEAK: " + resourceType + ".release() was not called before it was garbage-collected "
                    + "(no access records: run with -Dio.netty.leakDetection.level=paranoid)");
            super.reportUntracedLeak(resourceType);
        }

        @Override
        @SuppressWarnings("deprecation") // still called by detectors made with maxActive
        protected void reportInstancesLeak(String resourceType) {
            record("LEAK: too many instances of " + resourceType + " were created");
            super.reportInstancesLeak(resourceType);
        }
    }
}
