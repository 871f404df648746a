package dev.tether.server.spi;

import dev.tether.core.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Channel presence in this JVM's memory: what a single node keeps, and what a broker whose system has nothing
 * better may use. Thread-safe. An entry expires its time to live after it was last joined; expired entries are
 * left out of answers and removed when their channel is next written or read.
 */
public final class MemoryPresence {
    private final Clock clock;
    private final Map<String, Map<String, Present>> channels = new ConcurrentHashMap<>();

    /** Presence on the system clock. */
    public MemoryPresence() {
        this(Clock.system());
    }

    /** Presence on {@code clock}; tests pass a manual one. */
    public MemoryPresence(Clock clock) {
        this.clock = clock;
    }

    private record Present(PresenceEntry entry, long expiresAt) {}

    /** See {@link ClusterBroker#join}: whether the entry is new. */
    public boolean join(String channel, PresenceEntry entry, Duration ttl) {
        long now = clock.nanoTime();
        boolean[] added = {false};
        channels.compute(channel, (name, present) -> {
            Map<String, Present> map = present != null ? present : new ConcurrentHashMap<>();
            expire(map, now);
            Present old = map.put(entry.session(), new Present(entry, now + ttl.toNanos()));
            added[0] = old == null;
            return map;
        });
        return added[0];
    }

    /** See {@link ClusterBroker#leave}: whether the session was present. */
    public boolean leave(String channel, String session) {
        long now = clock.nanoTime();
        boolean[] removed = {false};
        channels.computeIfPresent(channel, (name, map) -> {
            expire(map, now);
            removed[0] = map.remove(session) != null;
            return map.isEmpty() ? null : map;
        });
        return removed[0];
    }

    /** See {@link ClusterBroker#presence}. */
    public List<PresenceEntry> presence(String channel) {
        long now = clock.nanoTime();
        List<PresenceEntry> entries = new ArrayList<>();
        channels.computeIfPresent(channel, (name, map) -> {
            expire(map, now);
            for (Present present : map.values()) {
                entries.add(present.entry());
            }
            return map.isEmpty() ? null : map;
        });
        return entries;
    }

    private static void expire(Map<String, Present> map, long now) {
        map.values().removeIf(present -> now - present.expiresAt() >= 0);
    }
}
