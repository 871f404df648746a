package dev.tether.media.internal.serializer;

import dev.tether.media.MediaFrame;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;

/**
 * Says {@code Frame type X is not serializable} for a frame a serializer has no message for: a warning the first time
 * for each type, then at debug, so a pipeline that passes every text frame to a telephony serializer does not flood
 * the log. One per serializer, used from its one thread.
 */
final class UnhandledFrames {
    private final Logger log;
    private final Set<Class<?>> warned = new HashSet<>();

    UnhandledFrames(Logger log) {
        this.log = log;
    }

    void report(MediaFrame frame) {
        String message = "Frame type " + frame.getClass().getSimpleName() + " is not serializable";
        if (warned.add(frame.getClass())) {
            log.warn(message);
        } else {
            log.debug(message);
        }
    }
}
