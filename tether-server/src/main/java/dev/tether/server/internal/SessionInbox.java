package dev.tether.server.internal;

import dev.tether.core.CloseCodes;
import dev.tether.core.Packet;
import dev.tether.server.ReceiveTimeoutException;
import dev.tether.server.SessionClosedException;
import io.netty.channel.Channel;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The inbound side of one connection past its frame codec: where the application's callbacks run and how many
 * messages may wait for them.
 *
 * <p>Callbacks run on the event loop (a listener or handler marked non-blocking) or, in order, on a worker through a
 * {@link SerialExecutor}. In pull mode (a webshocket server without a handler) messages wait in a queue for
 * {@link #recv} instead. Either way, while more than {@code maxWaiting} messages wait, the channel stops reading,
 * which pushes back on the client through TCP; it reads again once half of them were taken.
 *
 * <p>A callback that throws closes the connection with 1011 and stops further message callbacks; the terminal
 * callback still runs.
 */
final class SessionInbox {
    private static final Logger log = LoggerFactory.getLogger(SessionInbox.class);

    /** Queued behind the last packet of a closed session in pull mode; compared by identity. */
    private static final Packet END_OF_STREAM = Packet.custom("end of stream");

    private final WsConnection connection;
    private final Channel channel;
    private final @Nullable SerialExecutor callbacks;
    private final @Nullable LinkedBlockingQueue<Packet> pulled;
    private final int maxWaiting;
    private final AtomicInteger waiting = new AtomicInteger();
    private final AtomicBoolean readingCheck = new AtomicBoolean(); // a resume check is on its way to the loop
    private volatile boolean readPaused; // written on the event loop only
    private volatile boolean failed;

    private SessionInbox(WsConnection connection, @Nullable Executor workers, boolean pull, int maxWaiting) {
        this.connection = connection;
        this.channel = connection.channel();
        this.callbacks = workers == null ? null : new SerialExecutor(workers);
        this.pulled = pull ? new LinkedBlockingQueue<>() : null;
        this.maxWaiting = maxWaiting;
    }

    /** Callbacks on the event loop; they must not block. */
    static SessionInbox onLoop(WsConnection connection) {
        return new SessionInbox(connection, null, false, Integer.MAX_VALUE);
    }

    /** Callbacks on {@code workers}, in order; reading pauses while more than {@code maxWaiting} messages wait. */
    static SessionInbox onWorkers(WsConnection connection, Executor workers, int maxWaiting) {
        return new SessionInbox(connection, workers, false, maxWaiting);
    }

    /** No callbacks: packets wait for {@link #recv}; reading pauses while more than {@code maxWaiting} wait. */
    static SessionInbox pull(WsConnection connection, int maxWaiting) {
        return new SessionInbox(connection, null, true, maxWaiting);
    }

    /**
     * Runs a lifecycle callback (open, close) where callbacks run; {@code terminal} for the last one, which must not
     * close the connection again when it throws. {@code onFailure} hears of a callback that threw.
     */
    void control(Runnable callback, boolean terminal, Consumer<Throwable> onFailure) {
        run(guard(callback, terminal, onFailure));
    }

    /** Runs a message callback where callbacks run, counting it as waiting until it ran. Event loop only. */
    void message(Runnable callback, Consumer<Throwable> onFailure) {
        if (callbacks == null) {
            if (!failed) {
                runGuarded(callback, false, onFailure);
            }
            return;
        }
        waiting(1);
        callbacks.execute(() -> {
            try {
                if (!failed) {
                    runGuarded(callback, false, onFailure);
                }
            } finally {
                waiting(-1);
            }
        });
    }

    /** Queues a packet for {@link #recv}. Event loop only; pull mode only. */
    void offer(Packet packet) {
        LinkedBlockingQueue<Packet> queue = java.util.Objects.requireNonNull(pulled, "pull mode");
        queue.add(packet);
        waiting(1);
    }

    /** Whether packets wait for {@link #recv} instead of going to callbacks. */
    boolean pullMode() {
        return pulled != null;
    }

    /** The connection closed: {@link #recv} throws once the packets before it were taken. Pull mode only. */
    void endOfStream() {
        if (pulled != null) {
            pulled.add(END_OF_STREAM);
        }
    }

    /**
     * Waits up to {@code timeout} for the next packet in pull mode.
     *
     * @throws ReceiveTimeoutException if none came in time
     * @throws SessionClosedException if the connection closed and nothing is left
     */
    @SuppressWarnings("ReferenceEquality") // END_OF_STREAM is a marker instance
    Packet recv(Duration timeout) throws InterruptedException {
        LinkedBlockingQueue<Packet> queue = pulled;
        if (queue == null) {
            throw new IllegalStateException("recv: the server has a handler (expected: a server built without one)");
        }
        Packet packet = queue.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        if (packet == null) {
            throw new ReceiveTimeoutException(
                    "Receive operation timed out after " + timeout.toMillis() / 1000.0 + " seconds.");
        }
        if (packet == END_OF_STREAM) {
            queue.add(END_OF_STREAM); // for the next caller
            throw new SessionClosedException("Cannot receive data: session " + connection.id() + " is closed.");
        }
        waiting(-1);
        return packet;
    }

    /** Runs {@code task} after every callback queued before it (at once on the loop when callbacks run there). */
    void run(Runnable task) {
        if (callbacks != null) {
            callbacks.execute(task);
        } else {
            task.run();
        }
    }

    private Runnable guard(Runnable callback, boolean terminal, Consumer<Throwable> onFailure) {
        return () -> runGuarded(callback, terminal, onFailure);
    }

    /** Runs {@code callback}; one that throws is reported, logged, and (unless terminal) closes with 1011. */
    private void runGuarded(Runnable callback, boolean terminal, Consumer<Throwable> onFailure) {
        try {
            callback.run();
        } catch (RuntimeException | Error e) {
            log.error("Session {}: handler threw; closing the session with 1011", connection.id(), e);
            onFailure.accept(e);
            if (!terminal) {
                failed = true;
                connection.close(CloseCodes.INTERNAL_ERROR, "Internal server error");
            }
        }
    }

    /** Counts messages waiting for the application and pauses or resumes reading around the limit. */
    private void waiting(int delta) {
        int now = waiting.addAndGet(delta);
        if (delta > 0) {
            if (now > maxWaiting && !readPaused) {
                updateReading(); // messages arrive on the I/O thread
            }
        } else if (readPaused && now <= maxWaiting / 2 && readingCheck.compareAndSet(false, true)) {
            channel.eventLoop().execute(() -> {
                readingCheck.set(false);
                updateReading();
            });
        }
    }

    /**
     * Pauses or resumes reading from the count of waiting messages as it is now. Event loop only: the flag and the
     * channel's auto-read change together here, so a consumer's resume can never be overtaken by an older pause
     * (which, with both decided on different threads, could leave reading paused and nothing waiting to resume it).
     */
    private void updateReading() {
        int now = waiting.get();
        if (!readPaused && now > maxWaiting) {
            readPaused = true;
            connection.pauseReading(WsConnection.READ_PAUSED_BY_INBOX);
        } else if (readPaused && now <= maxWaiting / 2) {
            readPaused = false;
            connection.resumeReading(WsConnection.READ_PAUSED_BY_INBOX);
        }
    }
}
