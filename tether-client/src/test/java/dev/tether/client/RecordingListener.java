package dev.tether.client;

import static org.assertj.core.api.Assertions.fail;

import dev.tether.core.TetherException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Records every connection event in order; {@code await*} methods wait (with a real-time limit) for the next
 * event of a kind after the ones already awaited. A recorder, not a mock: it only listens.
 */
final class RecordingListener implements ConnectionListener {
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    enum Kind {
        STATE,
        CONNECTED,
        DISCONNECTED,
        ATTEMPT_FAILED,
        ERROR,
        ENDED
    }

    record Event(
            Kind kind,
            @Nullable ConnectionState from,
            @Nullable ConnectionState to,
            @Nullable ClientSession session,
            @Nullable Disconnection disconnection,
            int attempt,
            @Nullable TetherException error) {
        @Override
        public String toString() {
            return switch (kind) {
                case STATE -> from + "->" + to;
                case CONNECTED -> "connected #" + (session == null ? "?" : session.number());
                case DISCONNECTED -> "disconnected " + disconnection;
                case ATTEMPT_FAILED -> "attempt " + attempt + " failed: " + (error == null ? "" : error.getMessage());
                case ERROR -> "error " + (error == null ? "" : error.getMessage());
                case ENDED -> "ended " + (error == null ? "normally" : error.getMessage());
            };
        }
    }

    private final List<Event> events = new ArrayList<>();
    private final Map<Kind, Integer> cursors = new EnumMap<>(Kind.class);

    @Override
    public void onStateChanged(ConnectionState from, ConnectionState to) {
        add(new Event(Kind.STATE, from, to, null, null, 0, null));
    }

    @Override
    public void onConnected(ClientSession session) {
        add(new Event(Kind.CONNECTED, null, null, session, null, 0, null));
    }

    @Override
    public void onDisconnected(Disconnection disconnection) {
        add(new Event(Kind.DISCONNECTED, null, null, null, disconnection, 0, null));
    }

    @Override
    public void onAttemptFailed(int attempt, ConnectionException error) {
        add(new Event(Kind.ATTEMPT_FAILED, null, null, null, null, attempt, error));
    }

    @Override
    public void onError(TetherException error) {
        add(new Event(Kind.ERROR, null, null, null, null, 0, error));
    }

    @Override
    public void onEnded(@Nullable TetherException error) {
        add(new Event(Kind.ENDED, null, null, null, null, 0, error));
    }

    private synchronized void add(Event event) {
        if (events.size() < 10_000) {
            events.add(event);
        }
        notifyAll();
    }

    /** Waits for the next event of {@code kind} after the last one awaited. */
    synchronized Event await(Kind kind) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            for (int i = cursors.getOrDefault(kind, 0); i < events.size(); i++) {
                if (events.get(i).kind() == kind) {
                    cursors.put(kind, i + 1);
                    return events.get(i);
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return fail("no " + kind + " event within " + TIMEOUT + "; events: " + events);
            }
            try {
                wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return fail("interrupted");
            }
        }
    }

    Disconnection awaitDisconnected() {
        Disconnection d = await(Kind.DISCONNECTED).disconnection();
        return d == null ? fail("no disconnection") : d;
    }

    ClientSession awaitConnected() {
        ClientSession s = await(Kind.CONNECTED).session();
        return s == null ? fail("no session") : s;
    }

    TetherException awaitAttemptFailed(int attempt) {
        Event event = await(Kind.ATTEMPT_FAILED);
        if (event.attempt() != attempt) {
            fail("expected attempt " + attempt + " to fail, got " + event + "; events: " + events());
        }
        TetherException error = event.error();
        return error == null ? fail("no error") : error;
    }

    /** Waits for the end of the lifecycle; returns its error, or null for a normal end. */
    @Nullable
    TetherException awaitEnded() {
        return await(Kind.ENDED).error();
    }

    TetherException awaitError() {
        TetherException error = await(Kind.ERROR).error();
        return error == null ? fail("no error") : error;
    }

    synchronized List<Event> events() {
        return new ArrayList<>(events);
    }

    synchronized long count(Kind kind) {
        return events.stream().filter(e -> e.kind() == kind).count();
    }

    synchronized List<String> transitions() {
        return events.stream()
                .filter(e -> e.kind() == Kind.STATE)
                .map(Event::toString)
                .toList();
    }
}
