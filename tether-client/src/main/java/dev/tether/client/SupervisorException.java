package dev.tether.client;

import dev.tether.core.TetherException;
import org.jspecify.annotations.Nullable;

/** A {@link Supervisor} gave up for good: {@code gave up: 5 restarts within 300 s; last failure: …}. */
public class SupervisorException extends TetherException {
    private static final long serialVersionUID = 1L;

    public SupervisorException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
