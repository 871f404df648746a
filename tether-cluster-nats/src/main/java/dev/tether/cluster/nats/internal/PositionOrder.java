package dev.tether.cluster.nats.internal;

import dev.tether.core.StreamPosition;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Hands positioned publications to the server in offset order per channel. On NATS they reach a node by two roads
 * that can overtake each other: its own, when JetStream acknowledged the append, and the other nodes', when they
 * send the positioned copy after their acknowledgement. Offsets of one epoch have no holes, so a publication ahead
 * of the next expected offset is held until the missing ones arrive, at most {@link #HOLD_MILLIS} ms (then the held
 * ones go on in order and the server's subscribers see a gap, which they recover from history), and at most
 * {@link #MAX_HELD} per channel. A publication behind the next expected offset was delivered or skipped already and
 * is dropped. A channel seen for the first time (or in a new epoch) has no expected offset yet: what arrives in its
 * first {@link #SETTLE_MILLIS} ms is collected and then delivered from the lowest offset on, so that a publication
 * that overtook an older one at the start does not make the older one look late. Held channels are checked on one
 * daemon thread, {@code tether-nats-order}; a channel idle for a minute is forgotten (and settles again).
 */
final class PositionOrder {
    static final long HOLD_MILLIS = 500;
    static final long SETTLE_MILLIS = 50;
    private static final long UNKNOWN = -1;
    static final int MAX_HELD = 10_000;
    private static final long FORGET_NANOS = TimeUnit.MINUTES.toNanos(1);

    /** Where the publications go, in order. */
    @FunctionalInterface
    interface Sink {
        void deliver(String channel, byte[] packet, StreamPosition position, boolean own);
    }

    private record Held(byte[] packet, StreamPosition position, boolean own) {}

    /** One channel's cursor; guarded by its monitor. */
    private static final class Cursor {
        @Nullable
        String epoch;

        long next;
        final TreeMap<Long, Held> held = new TreeMap<>();
        long heldSince;
        long lastUsed;
    }

    private final Sink sink;
    private final Map<String, Cursor> cursors = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread t = new Thread(task, "tether-nats-order");
        t.setDaemon(true);
        return t;
    });

    PositionOrder(Sink sink) {
        this.sink = sink;
        timer.scheduleWithFixedDelay(this::sweep, HOLD_MILLIS / 2, HOLD_MILLIS / 2, TimeUnit.MILLISECONDS);
    }

    /** A positioned publication arrived, by either road. */
    void arrive(String channel, byte[] packet, StreamPosition position, boolean own) {
        Cursor cursor = cursors.computeIfAbsent(channel, name -> new Cursor());
        synchronized (cursor) {
            long now = System.nanoTime();
            cursor.lastUsed = now;
            long offset = position.offset();
            if (!position.epoch().equals(cursor.epoch)) {
                release(channel, cursor); // what the old epoch held goes on as it is
                cursor.epoch = position.epoch();
                cursor.next = UNKNOWN;
                timer.schedule(() -> settle(channel, cursor), SETTLE_MILLIS, TimeUnit.MILLISECONDS);
            }
            if (cursor.next == UNKNOWN) {
                cursor.held.put(offset, new Held(packet, position, own));
                cursor.heldSince = now;
                return;
            }
            if (offset < cursor.next) {
                return; // delivered, or given up for a gap, already
            }
            if (offset > cursor.next) {
                if (cursor.held.isEmpty()) {
                    cursor.heldSince = now;
                }
                cursor.held.put(offset, new Held(packet, position, own));
                if (cursor.held.size() > MAX_HELD) {
                    release(channel, cursor);
                }
                return;
            }
            sink.deliver(channel, packet, position, own);
            cursor.next = offset + 1;
            drain(channel, cursor);
        }
    }

    /** The first arrivals of a channel have had their time: deliver from the lowest on. */
    private void settle(String channel, Cursor cursor) {
        synchronized (cursor) {
            if (cursor.next == UNKNOWN && !cursor.held.isEmpty()) {
                cursor.next = cursor.held.firstKey();
                drain(channel, cursor);
            }
        }
    }

    /** Delivers the held publications that follow on without a hole. */
    private void drain(String channel, Cursor cursor) {
        while (!cursor.held.isEmpty() && cursor.held.firstKey() == cursor.next) {
            Held h = cursor.held.pollFirstEntry().getValue();
            sink.deliver(channel, h.packet(), h.position(), h.own());
            cursor.next++;
        }
        if (!cursor.held.isEmpty()) {
            cursor.heldSince = System.nanoTime(); // the wait for the next hole starts now
        }
    }

    /** Gives up waiting: delivers everything held, in order, past the holes. */
    private void release(String channel, Cursor cursor) {
        while (!cursor.held.isEmpty()) {
            Held h = cursor.held.pollFirstEntry().getValue();
            sink.deliver(channel, h.packet(), h.position(), h.own());
            cursor.next = h.position().offset() + 1;
        }
    }

    private void sweep() {
        long now = System.nanoTime();
        for (Map.Entry<String, Cursor> entry : cursors.entrySet()) {
            Cursor cursor = entry.getValue();
            synchronized (cursor) {
                if (cursor.next != UNKNOWN
                        && !cursor.held.isEmpty()
                        && now - cursor.heldSince >= TimeUnit.MILLISECONDS.toNanos(HOLD_MILLIS)) {
                    release(entry.getKey(), cursor);
                } else if (cursor.held.isEmpty() && now - cursor.lastUsed >= FORGET_NANOS) {
                    cursors.remove(entry.getKey(), cursor);
                }
            }
        }
    }

    void close() {
        timer.shutdownNow();
    }
}
