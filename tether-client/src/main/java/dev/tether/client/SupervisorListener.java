package dev.tether.client;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Hears what a {@link Supervisor} does. Every method has a no-op default. Callbacks run one at a time, in
 * order, on whichever thread delivered the event (the service's, or the clock's); keep them short. When a
 * callback runs, what it announces is already scheduled. Exactly one {@link #onStopped} ends the supervision.
 */
public interface SupervisorListener {

    /** Life number {@code life} (1, 2, …) is starting. */
    default void onStarting(int life) {}

    /** The service became ready within the startup timeout; the restart budget is full again. */
    default void onReady(int life) {}

    /** A life ended with {@code failure} (null: normally) and restart number {@code restart} will start in {@code delay}. */
    default void onRestartScheduled(int restart, Duration delay, @Nullable Throwable failure) {}

    /** The budget ran out (TRANSIENT): cooling down for {@code cooldown}, cycle number {@code cycle}. */
    default void onCooldown(int cycle, Duration cooldown, @Nullable Throwable failure) {}

    /**
     * Supervision is over: {@code failure} is null when the service ended normally or {@link Supervisor#stop()}
     * was called; otherwise a named fatal error, a {@link SupervisorException} (gave up), or the last failure
     * (TEMPORARY).
     */
    default void onStopped(@Nullable Throwable failure) {}
}
