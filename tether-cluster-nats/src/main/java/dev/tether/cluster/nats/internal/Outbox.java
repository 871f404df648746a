package dev.tether.cluster.nats.internal;

import dev.tether.core.TetherException;
import io.nats.client.Connection;
import io.nats.client.Message;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * Core NATS publishing that survives an outage: while the connection is up a message goes straight to jnats; while
 * it is down (jnats refuses: its reconnect buffer is 0 bytes) messages are held here, in order, and sent when it is
 * back, and their stages complete then. Held publications count against the {@link Backlog}; the positioned copy
 * of a stored history publication and presence events are held beyond it, since their place is already taken or
 * their effect already happened.
 */
final class Outbox {
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private record Held(Message message, boolean counted, CompletableFuture<Void> sent) {}

    private final Link link;
    private final Backlog backlog;
    private final Counters counters;
    private final String owner;
    // Guarded by this.
    private final ArrayDeque<Held> held = new ArrayDeque<>();
    private boolean holding = true; // until the first connection
    private boolean closed;

    Outbox(Link link, Backlog backlog, Counters counters, String owner) {
        this.link = link;
        this.backlog = backlog;
        this.counters = counters;
        this.owner = owner;
    }

    /**
     * Publishes {@code message}, or holds it while NATS is unreachable; a message that counts against the backlog
     * is refused when it is full.
     *
     * @param channel for the refusal's message
     */
    synchronized CompletableFuture<Void> send(Message message, boolean counted, String channel) {
        if (closed) {
            return CompletableFuture.failedFuture(new TetherException(owner + " is closed"));
        }
        Connection connection = link.connection();
        if (!holding && connection != null) {
            try {
                connection.publish(message);
                counters.published.increment();
                return DONE;
            } catch (IllegalStateException reconnecting) {
                holding = true;
                link.markDown(connection);
            } catch (IllegalArgumentException tooBig) {
                return CompletableFuture.failedFuture(tooBig);
            }
        }
        if (counted && !backlog.tryAdd()) {
            return CompletableFuture.failedFuture(backlog.refuse(channel));
        }
        Held waiting = new Held(message, counted, new CompletableFuture<>());
        held.addLast(waiting);
        if (connection != null && link.isUp()) {
            flush(connection); // the connection came back between jnats' refusal and now
        }
        return waiting.sent();
    }

    /** NATS is down: hold from now on. */
    synchronized void hold() {
        holding = true;
    }

    /**
     * NATS is back: sends what was held, oldest first, and completes their stages in that order; stops (and keeps
     * holding) if jnats refuses again.
     */
    synchronized void flush(Connection connection) {
        while (!held.isEmpty() && !closed) {
            Held next = held.peekFirst();
            try {
                connection.publish(next.message());
            } catch (IllegalStateException reconnecting) {
                link.markDown(connection);
                return;
            } catch (IllegalArgumentException tooBig) {
                release(held.pollFirst(), tooBig);
                continue;
            }
            counters.published.increment();
            release(held.pollFirst(), null);
        }
        holding = false;
    }

    private void release(Held sent, @Nullable Exception failure) {
        if (sent.counted()) {
            backlog.remove();
        }
        if (failure == null) {
            sent.sent().complete(null);
        } else {
            sent.sent().completeExceptionally(failure);
        }
    }

    /** Publications held now, counted or not. */
    synchronized int held() {
        return held.size();
    }

    /** Fails everything held: it will never be sent. */
    synchronized void close() {
        closed = true;
        TetherException closing = new TetherException(owner + " closed before NATS came back");
        while (!held.isEmpty()) {
            release(held.pollFirst(), closing);
        }
    }
}
