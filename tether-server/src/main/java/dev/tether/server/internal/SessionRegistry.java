package dev.tether.server.internal;

import dev.tether.server.ReceiveTimeoutException;
import dev.tether.server.Session;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * Who is connected: the connection slots ({@code maxConnections}, shared by every endpoint), every open WebSocket
 * connection (for shutdown), the webshocket sessions among them (for {@code sessions()} and broadcast) and, in pull
 * mode, the queue of sessions waiting for {@code accept()}.
 */
final class SessionRegistry {
    private final int maxConnections;
    private final AtomicInteger slots = new AtomicInteger();
    private final Map<UUID, WsConnection> connections = new ConcurrentHashMap<>();
    private final Map<UUID, DefaultSession> sessions = new ConcurrentHashMap<>();
    private final @Nullable BlockingQueue<DefaultSession> acceptQueue;
    private volatile boolean accepting = true;

    /** A registry; {@code acceptQueueLimit} > 0 makes the accept queue of pull mode. */
    SessionRegistry(int maxConnections, int acceptQueueLimit) {
        this.maxConnections = maxConnections;
        this.acceptQueue = acceptQueueLimit > 0 ? new ArrayBlockingQueue<>(acceptQueueLimit) : null;
    }

    /** Takes a connection slot for a handshake, if one is free and the server is not shutting down. */
    boolean tryReserve() {
        while (accepting) {
            int now = slots.get();
            if (now >= maxConnections) {
                return false;
            }
            if (slots.compareAndSet(now, now + 1)) {
                return true;
            }
        }
        return false;
    }

    /** The server is shutting down: no handshake takes a slot from now on. */
    void stopAccepting() {
        accepting = false;
    }

    /** Gives back a slot taken by {@link #tryReserve} for a handshake that never made a connection. */
    void release() {
        slots.decrementAndGet();
    }

    /** A connection is about to be upgraded. */
    void add(WsConnection connection) {
        connections.put(connection.id(), connection);
    }

    /**
     * A webshocket session is about to be upgraded: it joins the sessions, and in pull mode the accept queue.
     *
     * @return {@code false} if the accept queue is full; nothing was registered then
     */
    boolean add(DefaultSession session) {
        BlockingQueue<DefaultSession> queue = acceptQueue;
        if (queue != null && !queue.offer(session)) {
            return false;
        }
        sessions.put(session.id(), session);
        return true;
    }

    /** A connection whose handshake failed before it had a frame handler: it never terminates itself. */
    void abandon(WsConnection connection) {
        BlockingQueue<DefaultSession> queue = acceptQueue;
        DefaultSession session = sessions.get(connection.id());
        if (queue != null && session != null) {
            queue.remove(session);
        }
        unregister(connection);
    }

    /** The connection ended: called once per connection, which gives back its slot. */
    void unregister(WsConnection connection) {
        if (connections.remove(connection.id()) != null) {
            sessions.remove(connection.id());
            slots.decrementAndGet();
        }
    }

    /** The open connections of every endpoint. */
    Collection<WsConnection> connections() {
        return connections.values();
    }

    /** The open webshocket sessions, live. */
    Collection<DefaultSession> webshocketSessions() {
        return sessions.values();
    }

    List<Session> sessions() {
        return List.copyOf(sessions.values());
    }

    @Nullable
    Session session(UUID id) {
        return sessions.get(id);
    }

    /** Connections open or completing their handshake. */
    int connectionCount() {
        return slots.get();
    }

    Session accept(Duration timeout) throws InterruptedException {
        BlockingQueue<DefaultSession> queue = acceptQueue;
        if (queue == null) {
            throw new IllegalStateException("accept: the server has a handler (expected: a server built without one)");
        }
        DefaultSession session = queue.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        if (session == null) {
            throw new ReceiveTimeoutException(
                    "No client connected within " + timeout.toMillis() / 1000.0 + " seconds.");
        }
        return session;
    }
}
