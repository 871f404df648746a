package dev.tether.server.spi;

import dev.tether.core.Clock;
import dev.tether.core.StreamPosition;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Channel history in this JVM's memory: what a single node keeps, and what a broker whose system has nothing better
 * may use. Thread-safe; each channel is locked on its own.
 *
 * <p>Memory: each channel holds at most its policy's size of publications; a publication is dropped when it
 * expires or is pushed out, and a channel's position is forgotten {@link HistoryPolicy#metaTtl} after its last
 * publication (a later publication starts a new epoch). Expired channels are swept every 4,096 appends.
 */
public final class MemoryHistory {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int SWEEP_EVERY = 4096;

    private final Clock clock;
    private final Map<String, Stream> streams = new ConcurrentHashMap<>();
    private final AtomicLong appends = new AtomicLong();

    /** A history on the system clock. */
    public MemoryHistory() {
        this(Clock.system());
    }

    /** A history on {@code clock}; tests pass a manual one. */
    public MemoryHistory(Clock clock) {
        this.clock = clock;
    }

    /** A fresh epoch: 16 random hex digits. */
    public static String newEpoch() {
        byte[] bytes = new byte[8];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** Appends {@code packet} to {@code channel}'s history and returns its position. */
    public StreamPosition append(String channel, byte[] packet, HistoryPolicy policy) {
        return append(channel, packet, policy, position -> {});
    }

    /**
     * Appends {@code packet} to {@code channel}'s history, hands its position to {@code thenInOrder} while the
     * channel is still locked (so that what it does happens in offset order for the channel), and returns it.
     */
    public StreamPosition append(
            String channel, byte[] packet, HistoryPolicy policy, Consumer<StreamPosition> thenInOrder) {
        long now = clock.nanoTime();
        if (appends.incrementAndGet() % SWEEP_EVERY == 0) {
            sweep(now);
        }
        while (true) {
            Stream stream = streams.computeIfAbsent(channel, name -> new Stream());
            synchronized (stream) {
                if (stream.removed) {
                    continue; // swept between the lookup and the lock
                }
                stream.renewIfForgotten(now);
                StreamPosition position = stream.append(packet, policy, now);
                thenInOrder.accept(position);
                return position;
            }
        }
    }

    /** See {@link ClusterBroker#history}. */
    public HistoryPage read(String channel, HistoryPolicy policy, @Nullable StreamPosition since, int limit) {
        long now = clock.nanoTime();
        while (true) {
            Stream stream = streams.computeIfAbsent(channel, name -> new Stream());
            synchronized (stream) {
                if (stream.removed) {
                    continue;
                }
                stream.renewIfForgotten(now);
                stream.trim(policy, now);
                if (stream.metaExpiresAt == 0) {
                    stream.metaExpiresAt = now + policy.metaTtl().toNanos(); // the position outlives the read
                }
                return stream.read(since, limit);
            }
        }
    }

    /** How many channels this history holds a position for. */
    public int channels() {
        return streams.size();
    }

    private void sweep(long now) {
        for (Iterator<Stream> it = streams.values().iterator(); it.hasNext(); ) {
            Stream stream = it.next();
            synchronized (stream) {
                if (stream.forgotten(now)) {
                    stream.removed = true;
                    it.remove();
                }
            }
        }
    }

    private record Entry(StreamPosition position, byte[] packet, long expiresAt) {}

    /** One channel's history; guarded by its own monitor. */
    private static final class Stream {
        final ArrayDeque<Entry> entries = new ArrayDeque<>();
        String epoch = newEpoch();
        long offset;
        long metaExpiresAt; // 0 until the first append or read sets it
        boolean removed;

        boolean forgotten(long now) {
            return metaExpiresAt != 0 && now - metaExpiresAt >= 0;
        }

        void renewIfForgotten(long now) {
            if (forgotten(now)) {
                entries.clear();
                epoch = newEpoch();
                offset = 0;
                metaExpiresAt = 0;
            }
        }

        StreamPosition append(byte[] packet, HistoryPolicy policy, long now) {
            StreamPosition position = new StreamPosition(++offset, epoch);
            entries.addLast(new Entry(position, packet, now + policy.ttl().toNanos()));
            metaExpiresAt = now + policy.metaTtl().toNanos();
            trim(policy, now);
            return position;
        }

        void trim(HistoryPolicy policy, long now) {
            while (entries.size() > policy.size()) {
                entries.removeFirst();
            }
            while (!entries.isEmpty() && now - entries.peekFirst().expiresAt() >= 0) {
                entries.removeFirst();
            }
        }

        HistoryPage read(@Nullable StreamPosition since, int limit) {
            long after = since != null && since.epoch().equals(epoch) ? since.offset() : 0;
            List<HistoryEntry> page = new ArrayList<>();
            for (Entry entry : entries) {
                if (page.size() >= limit) {
                    break;
                }
                if (entry.position().offset() > after) {
                    page.add(new HistoryEntry(entry.position(), entry.packet()));
                }
            }
            return new HistoryPage(new StreamPosition(offset, epoch), page);
        }
    }
}
