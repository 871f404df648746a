package dev.tether.server.internal;

import dev.tether.core.Clock;
import dev.tether.server.ServerConfig;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * The per-address limits: connections one client address holds open, and a token bucket of its WebSocket upgrades.
 * An address is an IPv4 address or an IPv6 /64, since one IPv6 host commonly has a whole /64 to pick from.
 *
 * <p>Memory is bounded: at most {@link #MAX_ADDRESSES} addresses are tracked. An address is forgotten once it has no
 * connection and its bucket is full again (checked every {@link #SWEEP_EVERY} new connections, and whenever the table
 * is full). While it is full of busy addresses, new ones share one entry, so that together they are held to one
 * address's limits instead of escaping them.
 */
final class AddressLimits {
    static final int MAX_ADDRESSES = 100_000;
    private static final int SWEEP_EVERY = 4096;
    private static final double NANOS_PER_SECOND = 1e9;

    private final int maxConnections; // 0: unlimited
    private final int handshakesPerSecond; // 0: unlimited
    private final int handshakeBurst;
    private final boolean limitLoopback;
    private final Clock clock;
    private final Map<Object, Entry> entries = new ConcurrentHashMap<>();
    private final Entry shared;
    private final AtomicInteger untilSweep = new AtomicInteger(SWEEP_EVERY);

    private AddressLimits(ServerConfig config) {
        this.maxConnections = config.maxConnectionsPerIp();
        this.handshakesPerSecond = config.handshakeRatePerIp();
        this.handshakeBurst = config.handshakeBurstPerIp();
        this.limitLoopback = config.limitLoopback();
        this.clock = config.clock();
        this.shared = new Entry(handshakeBurst, clock.nanoTime());
    }

    /** The limits of {@code config}, or {@code null} when both are off. */
    static @Nullable AddressLimits of(ServerConfig config) {
        return config.maxConnectionsPerIp() == 0 && config.handshakeRatePerIp() == 0 ? null : new AddressLimits(config);
    }

    /** Counts a new connection from {@code address}; {@code null} when the address is exempt. */
    @Nullable
    Entry opened(InetAddress address) {
        if (address.isLoopbackAddress() && !limitLoopback) {
            return null;
        }
        if (untilSweep.decrementAndGet() <= 0) {
            untilSweep.set(SWEEP_EVERY);
            sweep();
        }
        Object key = keyOf(address);
        if (!entries.containsKey(key) && entries.size() >= MAX_ADDRESSES) {
            sweep();
            if (entries.size() >= MAX_ADDRESSES) {
                shared.connections.incrementAndGet();
                return shared;
            }
        }
        // Counted inside compute, so that a sweep (which removes through computeIfPresent) never drops an entry
        // between its lookup and its count.
        return entries.compute(key, (k, entry) -> {
            Entry e = entry == null ? new Entry(handshakeBurst, clock.nanoTime()) : entry;
            e.connections.incrementAndGet();
            return e;
        });
    }

    /** Counts the end of a connection {@link #opened} returned {@code entry} for. */
    void closed(Entry entry) {
        entry.connections.decrementAndGet();
    }

    /** Seconds the client should wait, when its address holds more connections than allowed; else 0. */
    long connectionsRetryAfter(Entry entry) {
        return maxConnections > 0 && entry.connections.get() > maxConnections ? 10 : 0;
    }

    /** Takes one upgrade from the address's bucket; the seconds to wait when it is empty, else 0. */
    long handshakeRetryAfter(Entry entry) {
        if (handshakesPerSecond == 0) {
            return 0;
        }
        synchronized (entry) {
            refill(entry, clock.nanoTime());
            if (entry.tokens >= 1) {
                entry.tokens -= 1;
                return 0;
            }
            return Math.max(1, (long) Math.ceil((1 - entry.tokens) / handshakesPerSecond));
        }
    }

    /** Addresses tracked now. */
    int size() {
        return entries.size();
    }

    private void refill(Entry entry, long now) {
        entry.tokens = Math.min(
                handshakeBurst, entry.tokens + (now - entry.refilledNanos) / NANOS_PER_SECOND * handshakesPerSecond);
        entry.refilledNanos = now;
    }

    /** Forgets the addresses with no connection whose bucket is full again: they are as if never seen. */
    private void sweep() {
        long now = clock.nanoTime();
        for (Object key : entries.keySet()) {
            entries.computeIfPresent(key, (k, entry) -> idle(entry, now) ? null : entry);
        }
    }

    private boolean idle(Entry entry, long now) {
        if (entry.connections.get() > 0) {
            return false;
        }
        if (handshakesPerSecond == 0) {
            return true;
        }
        synchronized (entry) {
            refill(entry, now);
            return entry.tokens >= handshakeBurst;
        }
    }

    /** An IPv4 address as it is; an IPv6 address by its first 64 bits. */
    private static Object keyOf(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (address instanceof Inet6Address) {
            return ByteBuffer.wrap(bytes, 0, 8).getLong();
        }
        return ByteBuffer.wrap(bytes).getInt();
    }

    /** One address: its open connections and its bucket of upgrades. */
    static final class Entry {
        final AtomicInteger connections = new AtomicInteger();
        private double tokens; // guarded by this
        private long refilledNanos; // guarded by this

        Entry(int tokens, long now) {
            this.tokens = tokens;
            this.refilledNanos = now;
        }
    }
}
