package dev.tether.client.internal;

import dev.tether.client.ClientSession;
import dev.tether.client.ConnectionException;
import dev.tether.client.ConnectionListener;
import dev.tether.client.ConnectionState;
import dev.tether.client.Disconnection;
import dev.tether.core.TetherException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Fans events out to the listeners; a listener that throws is logged and the others still hear the event. */
final class Listeners {
    private static final Logger log = LoggerFactory.getLogger(Listeners.class);

    private final CopyOnWriteArrayList<ConnectionListener> listeners;

    Listeners(List<ConnectionListener> initial) {
        this.listeners = new CopyOnWriteArrayList<>(initial);
    }

    void add(ConnectionListener listener) {
        listeners.add(listener);
    }

    void remove(ConnectionListener listener) {
        listeners.remove(listener);
    }

    void stateChanged(ConnectionState from, ConnectionState to) {
        each(l -> l.onStateChanged(from, to));
    }

    void connected(ClientSession session) {
        each(l -> l.onConnected(session));
    }

    void disconnected(Disconnection disconnection) {
        each(l -> l.onDisconnected(disconnection));
    }

    void attemptFailed(int attempt, ConnectionException error) {
        each(l -> l.onAttemptFailed(attempt, error));
    }

    void error(TetherException error) {
        each(l -> l.onError(error));
    }

    void ended(@Nullable TetherException error) {
        each(l -> l.onEnded(error));
    }

    private void each(Consumer<ConnectionListener> event) {
        for (ConnectionListener listener : listeners) {
            try {
                event.accept(listener);
            } catch (RuntimeException e) {
                log.warn("connection listener {} threw; ignored", listener, e);
            }
        }
    }
}
