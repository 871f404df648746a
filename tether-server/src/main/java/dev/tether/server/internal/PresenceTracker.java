package dev.tether.server.internal;

import dev.tether.core.Packet;
import dev.tether.core.PacketCodec;
import dev.tether.core.PacketSource;
import dev.tether.server.PresenceMember;
import dev.tether.server.Session;
import dev.tether.server.spi.ClusterBroker;
import dev.tether.server.spi.MemoryPresence;
import dev.tether.server.spi.PresenceEntry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who of this node is present in which channel, written to the broker's presence (or this node's memory when the
 * broker keeps none) and refreshed every third of {@code presenceTtl} on one thread, {@code tether-presence}, so that
 * the entries of a node that died expire. Join and leave events go to {@link Events} once the store says the entry
 * was new or was there.
 */
final class PresenceTracker {
    private static final Logger log = LoggerFactory.getLogger(PresenceTracker.class);

    /** The server's presence settings. */
    record Settings(Duration ttl, @Nullable Function<? super Session, ?> info) {}

    /** Where join and leave events of this node go. */
    @FunctionalInterface
    interface Events {
        void event(String channel, PresenceEntry entry, boolean joined);
    }

    private final ClusterBroker broker;
    private final PacketCodec msgpack;
    private final Settings settings;
    private final Events events;
    private final @Nullable MemoryPresence memory;
    private final Map<String, Map<String, PresenceEntry>> local = new ConcurrentHashMap<>();
    private volatile @Nullable ScheduledExecutorService refresher;

    PresenceTracker(ClusterBroker broker, PacketCodec msgpack, Settings settings, Events events) {
        this.broker = broker;
        this.msgpack = msgpack;
        this.settings = settings;
        this.events = events;
        this.memory = broker.keepsPresence() ? null : new MemoryPresence();
    }

    /** Starts refreshing this node's entries. */
    void start() {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread t = new Thread(task, "tether-presence");
            t.setDaemon(true);
            return t;
        });
        long every = Math.max(1, settings.ttl().toMillis() / 3);
        executor.scheduleAtFixedRate(this::refresh, every, every, TimeUnit.MILLISECONDS);
        refresher = executor;
    }

    /** {@code session} subscribed to the presence channel {@code channel}. */
    void joined(String channel, DefaultSession session) {
        PresenceEntry entry = new PresenceEntry(session.id().toString(), encodeInfo(session));
        local.computeIfAbsent(channel, name -> new ConcurrentHashMap<>()).put(entry.session(), entry);
        join(channel, entry);
    }

    /** {@code session} left the presence channel {@code channel}, or closed. */
    void left(String channel, DefaultSession session) {
        PresenceEntry[] removed = {null};
        local.computeIfPresent(channel, (name, entries) -> {
            removed[0] = entries.remove(session.id().toString());
            return entries.isEmpty() ? null : entries;
        });
        if (removed[0] != null) {
            leave(channel, removed[0]);
        }
    }

    private CompletionStage<Void> join(String channel, PresenceEntry entry) {
        CompletionStage<Boolean> added = memory != null
                ? CompletableFuture.completedFuture(memory.join(channel, entry, settings.ttl()))
                : broker.join(channel, entry, settings.ttl());
        return added.handle((isNew, error) -> {
            if (error != null) {
                log.warn(
                        "Presence of '{}' in '{}' could not be written to {}", entry.session(), channel, broker, error);
            } else if (isNew) {
                events.event(channel, entry, true);
            }
            return null;
        });
    }

    private CompletionStage<Void> leave(String channel, PresenceEntry entry) {
        CompletionStage<Boolean> removed = memory != null
                ? CompletableFuture.completedFuture(memory.leave(channel, entry.session()))
                : broker.leave(channel, entry);
        return removed.handle((wasThere, error) -> {
            if (error != null) {
                log.warn(
                        "Presence of '{}' in '{}' could not be removed from {}",
                        entry.session(),
                        channel,
                        broker,
                        error);
            } else if (wasThere) {
                events.event(channel, entry, false);
            }
            return null;
        });
    }

    /** Who is present in {@code channel}. */
    CompletionStage<List<PresenceMember>> members(String channel) {
        CompletionStage<List<PresenceEntry>> entries =
                memory != null ? CompletableFuture.completedFuture(memory.presence(channel)) : broker.presence(channel);
        return entries.thenApply(list -> {
            List<PresenceMember> members = new ArrayList<>(list.size());
            for (PresenceEntry entry : list) {
                members.add(new PresenceMember(entry.session(), info(entry)));
            }
            return members;
        });
    }

    /** The application's value in {@code entry}, or {@code null}. */
    @Nullable
    Object info(PresenceEntry entry) {
        Packet packet = msgpack.decode(entry.info());
        return packet.source() == PacketSource.CUSTOM ? packet.data() : null;
    }

    private byte[] encodeInfo(DefaultSession session) {
        Function<? super Session, ?> info = settings.info();
        Object value = null;
        if (info != null) {
            try {
                value = info.apply(session);
            } catch (RuntimeException e) {
                log.warn("presenceInfo failed for session {}; its entry has no info", session.id(), e);
            }
        }
        try {
            return msgpack.encode(Packet.custom(value));
        } catch (RuntimeException e) {
            log.warn("presenceInfo of session {} cannot be encoded; its entry has no info", session.id(), e);
            return msgpack.encode(Packet.custom(null));
        }
    }

    private void refresh() {
        for (Map.Entry<String, Map<String, PresenceEntry>> channel : local.entrySet()) {
            for (PresenceEntry entry : channel.getValue().values()) {
                join(channel.getKey(), entry);
            }
        }
    }

    /** Stops refreshing and removes this node's entries (at most 2 s), so other nodes see them leave. */
    CompletionStage<Void> close() {
        ScheduledExecutorService executor = refresher;
        if (executor != null) {
            executor.shutdownNow();
        }
        List<CompletableFuture<Void>> leaving = new ArrayList<>();
        for (Map.Entry<String, Map<String, PresenceEntry>> channel : local.entrySet()) {
            for (PresenceEntry entry : channel.getValue().values()) {
                leaving.add(leave(channel.getKey(), entry).toCompletableFuture());
            }
        }
        local.clear();
        return CompletableFuture.allOf(leaving.toArray(CompletableFuture[]::new))
                .completeOnTimeout(null, 2, TimeUnit.SECONDS);
    }
}
