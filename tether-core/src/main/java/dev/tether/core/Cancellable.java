package dev.tether.core;

/** A scheduled task that can still be called off. */
@FunctionalInterface
public interface Cancellable {

    /**
     * Stops the task from running if it has not started yet; does nothing once it ran or was cancelled.
     *
     * @return whether this call prevented the task from running
     */
    boolean cancel();
}
