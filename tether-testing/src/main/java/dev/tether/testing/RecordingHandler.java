package dev.tether.testing;

import dev.tether.core.Packet;
import dev.tether.server.CloseStatus;
import dev.tether.server.Session;
import dev.tether.server.TetherHandler;
import dev.tether.testing.internal.EventQueue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link TetherHandler} that records every callback, checks the handler contract, and hands each callback to
 * a delegate (which may throw, to test how the server reacts).
 *
 * <p>Tests wait for events with {@link #awaitConnect()}, {@link #awaitPacket()} and {@link #awaitDisconnect()};
 * each waits up to the handler's timeout (5 s by default) and fails with an {@link AssertionError} that says what
 * did not happen. Connects, packets and disconnects are kept in three bounded queues (10 000 each by default),
 * so waiting for a packet does not consume a connect.
 *
 * <p>It checks, per session, the promise of {@link TetherHandler}: {@code onConnect} first and once, then
 * packets, then exactly one {@code onDisconnect}, with no two callbacks running at once. A broken promise is
 * recorded in {@link #contractViolations()} and makes every later {@code await} fail.
 *
 * <pre>{@code
 * RecordingHandler handler = RecordingHandler.echoing();
 * // ... a client sends "hi"
 * assertThat(handler.awaitPacket().packet().data()).isEqualTo("hi");
 * }</pre>
 */
public final class RecordingHandler implements TetherHandler {
    /** How long an {@code await} waits unless the constructor says otherwise. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    private static final int DEFAULT_CAPACITY = 10_000;

    /** A recorded callback. */
    public sealed interface Event permits Connected, PacketReceived, Disconnected {
        /** The session the callback was for. */
        Session session();
    }

    /** {@link TetherHandler#onConnect} ran. */
    public record Connected(Session session) implements Event {}

    /** {@link TetherHandler#onPacket} ran. */
    public record PacketReceived(Session session, Packet packet) implements Event {}

    /** {@link TetherHandler#onDisconnect} ran. */
    public record Disconnected(Session session, CloseStatus status) implements Event {}

    private enum Phase {
        CONNECTED,
        DISCONNECTED
    }

    private final TetherHandler delegate;
    private final Duration timeout;
    private final EventQueue<Session> connects;
    private final EventQueue<PacketReceived> packets;
    private final EventQueue<Disconnected> disconnects;
    private final List<Event> history = new ArrayList<>();
    private final int capacity;
    private final Map<UUID, Phase> phases = new ConcurrentHashMap<>();
    private final Map<UUID, Thread> running = new ConcurrentHashMap<>();
    private final Map<UUID, Integer> disconnectCounts = new ConcurrentHashMap<>();
    private final List<String> violations = new CopyOnWriteArrayList<>();

    /** A handler that only records. */
    public RecordingHandler() {
        this(new TetherHandler() {});
    }

    /** A handler that records, then calls {@code delegate}. */
    public RecordingHandler(TetherHandler delegate) {
        this(delegate, DEFAULT_TIMEOUT, DEFAULT_CAPACITY);
    }

    /**
     * A handler that records, then calls {@code delegate}.
     *
     * @param timeout how long each {@code await} waits
     * @param capacity how many untaken events each queue keeps
     */
    public RecordingHandler(TetherHandler delegate, Duration timeout, int capacity) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout: " + timeout + " (expected: > 0)");
        }
        this.delegate = delegate;
        this.timeout = timeout;
        this.capacity = capacity;
        this.connects = new EventQueue<>("onConnect", capacity);
        this.packets = new EventQueue<>("onPacket", capacity);
        this.disconnects = new EventQueue<>("onDisconnect", capacity);
    }

    /** A handler that records and sends every packet back to its session as it is. */
    public static RecordingHandler echoing() {
        return new RecordingHandler(new TetherHandler() {
            @Override
            public void onPacket(Session session, Packet packet) {
                session.send(packet);
            }
        });
    }

    @Override
    public void onConnect(Session session) {
        enter(session, "onConnect");
        try {
            if (phases.putIfAbsent(session.id(), Phase.CONNECTED) != null) {
                violations.add("onConnect called twice for session " + session.id());
            }
            record(new Connected(session));
            connects.add(session);
            delegate.onConnect(session);
        } finally {
            exit(session);
        }
    }

    @Override
    public void onPacket(Session session, Packet packet) {
        enter(session, "onPacket");
        try {
            Phase phase = phases.get(session.id());
            if (phase != Phase.CONNECTED) {
                violations.add("onPacket called "
                        + (phase == null ? "before onConnect" : "after onDisconnect")
                        + " for session " + session.id());
            }
            PacketReceived event = new PacketReceived(session, packet);
            record(event);
            packets.add(event);
            delegate.onPacket(session, packet);
        } finally {
            exit(session);
        }
    }

    @Override
    public void onDisconnect(Session session, CloseStatus status) {
        enter(session, "onDisconnect");
        try {
            int count = disconnectCounts.merge(session.id(), 1, Integer::sum);
            if (count > 1) {
                violations.add("onDisconnect called " + count + " times for session " + session.id());
            }
            if (phases.put(session.id(), Phase.DISCONNECTED) == null) {
                violations.add("onDisconnect called before onConnect for session " + session.id());
            }
            Disconnected event = new Disconnected(session, status);
            record(event);
            disconnects.add(event);
            delegate.onDisconnect(session, status);
        } finally {
            exit(session);
        }
    }

    /** Waits for the next {@code onConnect} and returns its session. */
    public Session awaitConnect() {
        return awaitConnect(timeout);
    }

    /** Waits up to {@code timeout} for the next {@code onConnect} and returns its session. */
    public Session awaitConnect(Duration timeout) {
        checkContract();
        return connects.await(timeout);
    }

    /** Waits for the next {@code onPacket}. */
    public PacketReceived awaitPacket() {
        return awaitPacket(timeout);
    }

    /** Waits up to {@code timeout} for the next {@code onPacket}. */
    public PacketReceived awaitPacket(Duration timeout) {
        checkContract();
        return packets.await(timeout);
    }

    /** Waits for the next {@code onDisconnect}. */
    public Disconnected awaitDisconnect() {
        return awaitDisconnect(timeout);
    }

    /** Waits up to {@code timeout} for the next {@code onDisconnect}. */
    public Disconnected awaitDisconnect(Duration timeout) {
        checkContract();
        Disconnected event = disconnects.await(timeout);
        checkContract();
        return event;
    }

    /** Waits for the next {@code onDisconnect} and checks it was for {@code session} with close code {@code code}. */
    public Disconnected assertDisconnected(Session session, int code) {
        Disconnected event = awaitDisconnect();
        if (!event.session().id().equals(session.id())) {
            throw new AssertionError("Expected onDisconnect for session " + session.id() + ", got one for "
                    + event.session().id() + " (" + event.status() + ")");
        }
        if (event.status().code() != code) {
            throw new AssertionError(
                    "Expected session " + session.id() + " to close with " + code + ", got " + event.status());
        }
        return event;
    }

    /** How many times {@code onDisconnect} ran for {@code session} (exactly once, once it ended). */
    public int disconnectCount(Session session) {
        return disconnectCounts.getOrDefault(session.id(), 0);
    }

    /** Every recorded callback in the order they ran (the first {@code capacity} of them). */
    public List<Event> events() {
        synchronized (history) {
            return List.copyOf(history);
        }
    }

    /** The broken promises of the handler contract seen so far; empty for a correct server. */
    public List<String> contractViolations() {
        return List.copyOf(violations);
    }

    /** Fails if the server broke the handler contract. */
    public void assertContractKept() {
        checkContract();
    }

    private void record(Event event) {
        synchronized (history) {
            if (history.size() < capacity) {
                history.add(event);
            }
        }
    }

    private void enter(Session session, String callback) {
        Thread other = running.putIfAbsent(session.id(), Thread.currentThread());
        if (other != null) {
            violations.add(callback + " for session " + session.id() + " ran on "
                    + Thread.currentThread().getName() + " while another callback for it ran on " + other.getName());
        }
    }

    private void exit(Session session) {
        running.remove(session.id(), Thread.currentThread());
    }

    private void checkContract() {
        if (!violations.isEmpty()) {
            throw new AssertionError("The server broke the TetherHandler contract: " + violations);
        }
    }
}
