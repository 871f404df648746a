package dev.tether.client.internal;

import dev.tether.client.ConnectionState;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The validated state of one connection. Written by one thread (the connection's event loop), read by any.
 *
 * <p>Setting the current state again is a silent no-op. An invalid transition (see
 * {@link ConnectionState#canBecome}) throws in strict mode and leaves the state as it was; in lenient mode it
 * is logged as a warning and applied, because a client that keeps working with a logged bug serves its users
 * better than one that stops.
 */
public final class ConnectionStateMachine {
    private static final Logger log = LoggerFactory.getLogger(ConnectionStateMachine.class);

    /** Hears every transition that was applied, on the thread that applied it. */
    @FunctionalInterface
    public interface Observer {
        void onTransition(ConnectionState from, ConnectionState to);
    }

    private final boolean strict;
    private final Observer observer;
    private volatile ConnectionState state = ConnectionState.DISCONNECTED;
    private volatile boolean everConnected;

    public ConnectionStateMachine(boolean strict, Observer observer) {
        this.strict = strict;
        this.observer = observer;
    }

    public ConnectionState state() {
        return state;
    }

    /** Whether the state was ever {@link ConnectionState#CONNECTED}. */
    public boolean everConnected() {
        return everConnected;
    }

    /**
     * Moves to {@code next}.
     *
     * @return whether the state changed (false for the same state)
     * @throws IllegalStateException in strict mode, for a transition {@link ConnectionState#canBecome} forbids
     */
    public boolean moveTo(ConnectionState next) {
        ConnectionState current = state;
        if (current == next) {
            return false;
        }
        if (!current.canBecome(next)) {
            String message = "invalid state transition: " + current + " -> " + next + " (expected: " + current + " -> "
                    + allowedFrom(current) + ")";
            if (strict) {
                throw new IllegalStateException(message);
            }
            log.warn("{}; applied anyway (lenient transitions)", message);
        }
        state = next;
        if (next == ConnectionState.CONNECTED) {
            everConnected = true;
        }
        observer.onTransition(current, next);
        return true;
    }

    private static String allowedFrom(ConnectionState from) {
        List<ConnectionState> allowed = new ArrayList<>();
        for (ConnectionState candidate : ConnectionState.values()) {
            if (from.canBecome(candidate)) {
                allowed.add(candidate);
            }
        }
        return allowed.isEmpty() ? "nothing" : allowed.toString();
    }
}
