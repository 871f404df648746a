package dev.tether.testing.internal;

import java.time.Duration;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * A bounded queue of recorded events that a test thread waits on.
 *
 * <p>When full, new events are dropped and the next take fails: a test that leaves that many events untaken
 * has lost track of what it expects. After {@link #finish()} (the source can produce no more events), a take
 * on the empty queue returns at once instead of waiting out its timeout.
 */
public final class EventQueue<T> {
    private static final Object END = new Object();

    private final String name;
    private final int capacity;
    private final LinkedBlockingDeque<Object> queue = new LinkedBlockingDeque<>();
    private final AtomicInteger size = new AtomicInteger();
    private volatile boolean overflowed;
    private volatile boolean finished;

    public EventQueue(String name, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity: " + capacity + " (expected: > 0)");
        }
        this.name = name;
        this.capacity = capacity;
    }

    /** Records {@code event}; never blocks. Ignored after {@link #finish()}. */
    public void add(T event) {
        if (finished) {
            return;
        }
        if (size.incrementAndGet() > capacity) {
            size.decrementAndGet();
            overflowed = true;
            return;
        }
        queue.offerLast(event);
    }

    /** Marks that no more events will come. */
    public void finish() {
        if (!finished) {
            finished = true;
            queue.offerLast(END);
        }
    }

    /**
     * Takes the next event, waiting up to {@code timeout}; {@code null} if none arrived in time or none can
     * arrive any more.
     *
     * @throws AssertionError if the queue overflowed or the thread was interrupted
     */
    @SuppressWarnings("unchecked")
    public @Nullable T poll(Duration timeout) {
        checkOverflow();
        Object event;
        try {
            event = queue.pollFirst(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("Interrupted while waiting for a " + name, e);
        }
        if (event == END) {
            queue.offerFirst(END);
            return null;
        }
        if (event != null) {
            size.decrementAndGet();
        }
        return (T) event;
    }

    /**
     * Takes the next event, waiting up to {@code timeout}.
     *
     * @throws AssertionError if none arrived in time, none can arrive, the queue overflowed, or the thread was
     *     interrupted
     */
    public T await(Duration timeout) {
        T event = poll(timeout);
        if (event == null) {
            throw new AssertionError(
                    finished
                            ? "No " + name + ": no more can arrive"
                            : "No " + name + " within " + timeout.toMillis() + " ms");
        }
        return event;
    }

    /** How many events wait to be taken. */
    public int size() {
        return size.get();
    }

    private void checkOverflow() {
        if (overflowed) {
            throw new AssertionError("More than " + capacity + " " + name + "s were recorded and not taken; "
                    + "later ones were dropped");
        }
    }
}
