package dev.tether.testing;

import dev.tether.testing.internal.RecordingLeakDetectorFactory;
import io.netty.util.ResourceLeakDetectorFactory;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test when Netty reports a leaked buffer (or other tracked resource).
 *
 * <p>Loading this class installs a {@link io.netty.util.ResourceLeakDetectorFactory} whose detectors record
 * every leak report as well as logging it. After each test the extension makes the detectors look for leaks
 * (a garbage collection, then a few tracked allocations) and fails the test if any was reported.
 * A leak found this way was made by this test or, found late, by one before it; the report's access records
 * say where the buffer went. Run tests with {@code -Dio.netty.leakDetection.level=paranoid} so that every
 * buffer is tracked.
 *
 * <p>Netty creates its buffer leak detector once, when buffers are first used, so the factory must be installed
 * before that: register this extension by auto-detection (a {@code junit-platform.properties} with {@code
 * junit.jupiter.extensions.autodetection.enabled=true} and this class named in {@code
 * META-INF/services/org.junit.jupiter.api.extension.Extension}). Registered too late, it fails every test with
 * an explanation instead of silently checking nothing.
 */
public final class LeakDetectionExtension implements BeforeEachCallback, AfterEachCallback {
    /**
     * One collection finds every buffer that was garbage by the end of the test; one released later (by a
     * closing connection) is found after the next test, and fails that one.
     */
    private static final int ROUNDS = 1;

    static {
        RecordingLeakDetectorFactory.install();
    }

    /**
     * Whether the check is on in this JVM: Netty's leak detectors are this extension's, so every buffer created
     * from now on is tracked and its leak reported to the test.
     */
    public static boolean isActive() {
        return RecordingLeakDetectorFactory.tracksBuffers()
                && ResourceLeakDetectorFactory.instance() instanceof RecordingLeakDetectorFactory;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (!RecordingLeakDetectorFactory.tracksBuffers()) {
            throw new ExtensionConfigurationException("Netty's buffers were in use before LeakDetectionExtension "
                    + "was loaded, so leaks would go unseen; register it by auto-detection (see its Javadoc)");
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        RecordingLeakDetectorFactory.detectLeaks(ROUNDS);
        List<String> leaks = RecordingLeakDetectorFactory.takeLeaks();
        if (!leaks.isEmpty()) {
            throw new AssertionError("Netty reported " + leaks.size() + " leak(s) during " + context.getDisplayName()
                    + " or a test before it:\n" + String.join("\n\n", leaks));
        }
    }
}
