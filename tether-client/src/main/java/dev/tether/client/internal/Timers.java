package dev.tether.client.internal;

import dev.tether.core.Cancellable;
import org.jspecify.annotations.Nullable;

/** Timer fields hold a {@link Cancellable} while armed and null otherwise. */
final class Timers {
    private Timers() {}

    /** Cancels {@code timer} if armed; returns null, for {@code timer = Timers.cancel(timer)}. */
    static @Nullable Cancellable cancel(@Nullable Cancellable timer) {
        if (timer != null) {
            timer.cancel();
        }
        return null;
    }
}
