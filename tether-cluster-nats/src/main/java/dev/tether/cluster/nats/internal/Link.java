package dev.tether.cluster.nats.internal;

import dev.tether.core.TetherException;
import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.Consumer;
import io.nats.client.ErrorListener;
import io.nats.client.Message;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's one NATS connection and whether it is up. jnats reconnects by itself, forever; this class hears its
 * events on jnats' single event thread, logs once when NATS is lost and once when it is back, and lets the rest of
 * the broker wait for the connection ({@link #whenUp}) or refuse work while it is down ({@link #upOrFail}).
 */
final class Link implements ConnectionListener, ErrorListener {
    private static final Logger log = LoggerFactory.getLogger(Link.class);

    /** What the broker does when the connection comes up: subscribe (the first time), then send what it held. */
    interface Listener {
        void up(Connection connection, boolean first);

        void down();
    }

    private final String owner;
    private final String url;
    private final Counters counters;
    private final Listener listener;
    private final Object lock = new Object();
    // Guarded by lock.
    private @Nullable Connection connection;
    private CompletableFuture<Connection> up = new CompletableFuture<>();
    private boolean everUp;
    private boolean lost;
    private boolean closed;
    private final AtomicBoolean discardWarned = new AtomicBoolean();
    private final CompletableFuture<Void> firstUp = new CompletableFuture<>();

    Link(String owner, String url, Counters counters, Listener listener) {
        this.owner = owner;
        this.url = url;
        this.counters = counters;
        this.listener = listener;
    }

    /** Completes with the connection when it is up: at once, or when it comes (back). */
    CompletableFuture<Connection> whenUp() {
        synchronized (lock) {
            return up;
        }
    }

    /** The connection when it is up, or a failure saying NATS is unreachable: for reads, which do not wait. */
    CompletableFuture<Connection> upOrFail() {
        synchronized (lock) {
            if (up.isDone() || closed) {
                return up;
            }
        }
        return CompletableFuture.failedFuture(new TetherException(owner + ": NATS at " + url + " is unreachable"));
    }

    /** Completes when the connection first came up. */
    CompletableFuture<Void> firstUp() {
        return firstUp;
    }

    /** The connection once jnats has made it (it may be reconnecting), or {@code null} before. */
    @Nullable
    Connection connection() {
        synchronized (lock) {
            return connection;
        }
    }

    boolean isUp() {
        synchronized (lock) {
            return up.isDone() && !up.isCompletedExceptionally();
        }
    }

    /**
     * jnats refused to send on {@code connection} (it is reconnecting): waiters wait from now on, unless the
     * connection is already back, in which case its event has been handled or is still to come and will see this.
     */
    void markDown(Connection connection) {
        synchronized (lock) {
            if (up.isDone() && !closed && connection.getStatus() != Connection.Status.CONNECTED) {
                up = new CompletableFuture<>();
            }
        }
    }

    /** Fails every waiter; returns the connection to close, if jnats made one. */
    @Nullable
    Connection close() {
        return end(new TetherException(owner + " is closed"));
    }

    private @Nullable Connection end(TetherException reason) {
        CompletableFuture<Connection> pending = null;
        Connection current;
        synchronized (lock) {
            closed = true;
            if (!up.isDone()) {
                pending = up;
            }
            up = CompletableFuture.failedFuture(reason);
            current = connection;
        }
        if (pending != null) {
            pending.completeExceptionally(reason);
        }
        firstUp.completeExceptionally(reason);
        return current;
    }

    @Override
    @Deprecated // jnats' abstract method; the broker needs neither the time nor the URI of the newer one
    public void connectionEvent(Connection conn, Events type) {
        switch (type) {
            case CONNECTED, RECONNECTED -> cameUp(conn);
            case DISCONNECTED -> wentDown(conn);
            case CLOSED -> closedByJnats();
            default -> log.debug("{}: NATS {}", owner, type.getEvent());
        }
    }

    private void cameUp(Connection conn) {
        CompletableFuture<Connection> waiting;
        boolean first;
        boolean back;
        synchronized (lock) {
            if (!adopt(conn)) {
                return;
            }
            first = !everUp;
            back = lost;
            everUp = true;
            lost = false;
            waiting = up.isDone() ? null : up;
            discardWarned.set(false);
        }
        if (first) {
            log.info("{}: connected to NATS at {}", owner, conn.getConnectedUrl());
        } else {
            counters.reconnects.increment();
            if (back) {
                log.info("{}: NATS at {} is back", owner, conn.getConnectedUrl());
            }
        }
        listener.up(conn, first);
        if (waiting != null) {
            waiting.complete(conn);
        }
        firstUp.complete(null);
    }

    private void wentDown(Connection conn) {
        boolean firstLoss;
        boolean everConnected;
        synchronized (lock) {
            if (!adopt(conn)) {
                return;
            }
            if (up.isDone()) {
                up = new CompletableFuture<>();
            }
            firstLoss = !lost;
            everConnected = everUp;
            lost = true;
        }
        listener.down();
        if (firstLoss) {
            if (everConnected) {
                log.warn("{}: lost NATS at {}; reconnecting, and holding publications until it is back", owner, url);
            } else {
                log.warn(
                        "{}: cannot reach NATS at {}; retrying, and holding publications until it answers", owner, url);
            }
        }
    }

    /** Remembers the connection jnats made; after {@link #close}, closes it instead. Holds the lock. */
    private boolean adopt(Connection conn) {
        connection = conn;
        if (closed) {
            closeLater(conn);
        }
        return !closed;
    }

    private void closedByJnats() {
        synchronized (lock) {
            if (closed) {
                return;
            }
        }
        // jnats closes for good only on errors it will not retry, such as refused credentials.
        log.error("{}: jnats closed the connection to NATS at {} and will not reconnect", owner, url);
        end(new TetherException(owner + ": jnats closed the connection to NATS at " + url));
        listener.down();
    }

    /** A connection jnats made after {@link #close}: close it off the event thread, whose pool it would stop. */
    private void closeLater(Connection conn) {
        if (conn.getStatus() != Connection.Status.CLOSED) {
            closer().execute(() -> closeQuietly(conn));
        }
    }

    static void closeQuietly(Connection conn) {
        try {
            conn.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One short-lived thread per close: jnats' close blocks until its threads stop. */
    static Executor closer() {
        return task -> {
            Thread thread = new Thread(task, "tether-nats-close");
            thread.setDaemon(true);
            thread.start();
        };
    }

    // ---- ErrorListener: jnats' own reports, on its event thread -----------------------------------------

    @Override
    public void errorOccurred(Connection conn, String error) {
        log.warn("{}: NATS reported an error: {}", owner, error);
    }

    @Override
    public void exceptionOccurred(Connection conn, Exception exp) {
        // Every failed reconnect attempt lands here; the loss and the return are logged once each instead.
        log.debug("{}: NATS connection: {}", owner, exp.toString());
    }

    @Override
    public void slowConsumerDetected(Connection conn, Consumer consumer) {
        log.warn(
                "{}: the NATS dispatcher fell behind and dropped messages from other nodes ({} dropped so far)",
                owner,
                consumer.getDroppedCount());
    }

    @Override
    public void messageDiscarded(Connection conn, Message msg) {
        counters.dropped.increment();
        if (discardWarned.compareAndSet(false, true)) {
            log.warn("{}: jnats' outgoing queue is full; dropping messages, first on {}", owner, msg.getSubject());
        }
    }
}
