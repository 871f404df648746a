package dev.tether.testing;

import dev.tether.core.ChannelPattern;
import dev.tether.core.StreamPosition;
import dev.tether.server.spi.ClusterBroker;
import dev.tether.server.spi.HistoryPage;
import dev.tether.server.spi.HistoryPolicy;
import dev.tether.server.spi.MemoryHistory;
import dev.tether.server.spi.MemoryPresence;
import dev.tether.server.spi.PresenceEntry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * A {@link ClusterBroker} that joins several servers in one JVM, for testing clustered behaviour without Redis or
 * NATS.
 *
 * <pre>{@code
 * InMemoryBroker.Hub hub = new InMemoryBroker.Hub();
 * TetherServer a = TetherServer.builder().port(0).clusterBroker(hub.newBroker()).build().start();
 * TetherServer b = TetherServer.builder().port(0).clusterBroker(hub.newBroker()).build().start();
 * a.publish("news", "hi"); // reaches the subscribers of both
 * }</pre>
 *
 * <p>Like a real broker, a publication reaches only the other nodes, and only those with an interest in a name or
 * pattern that matches the channel. Deliveries run on one thread per hub, so every node sees the publications of
 * one channel in the order they were made. The hub keeps history and presence for all its nodes in memory, as
 * Redis or NATS would for a real cluster.
 */
public final class InMemoryBroker implements ClusterBroker {
    private final Hub hub;
    private final Set<String> interests = ConcurrentHashMap.newKeySet();
    private volatile @Nullable Inbound inbound;

    private InMemoryBroker(Hub hub) {
        this.hub = hub;
    }

    /** The nodes of one in-memory cluster. Close it to stop its delivery thread. */
    public static final class Hub implements AutoCloseable {
        private final CopyOnWriteArrayList<InMemoryBroker> nodes = new CopyOnWriteArrayList<>();
        private final Map<String, ChannelPattern> patterns = new ConcurrentHashMap<>();
        private final MemoryHistory history = new MemoryHistory();
        private final MemoryPresence presence = new MemoryPresence();
        private final ExecutorService delivery = Executors.newSingleThreadExecutor(task -> {
            Thread t = new Thread(task, "tether-in-memory-broker");
            t.setDaemon(true);
            return t;
        });

        /** A broker for one more node of this cluster. */
        public InMemoryBroker newBroker() {
            InMemoryBroker broker = new InMemoryBroker(this);
            nodes.add(broker);
            return broker;
        }

        private void fanOut(InMemoryBroker from, String channel, Consumer<Inbound> delivery) {
            for (InMemoryBroker node : nodes) {
                Inbound target = node.inbound;
                if (node != from && target != null && node.interestedIn(channel, patterns)) {
                    delivery.accept(target);
                }
            }
        }

        @Override
        public void close() {
            delivery.shutdownNow();
        }
    }

    private boolean interestedIn(String channel, Map<String, ChannelPattern> patterns) {
        for (String interest : interests) {
            ChannelPattern pattern = patterns.computeIfAbsent(interest, ChannelPattern::compile);
            if (pattern.matches(channel)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public CompletionStage<Void> start(Inbound inbound) {
        this.inbound = inbound;
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> publish(String channel, byte[] packet) {
        return CompletableFuture.runAsync(
                () -> hub.fanOut(this, channel, inbound -> inbound.deliver(channel, packet)), hub.delivery);
    }

    @Override
    public boolean keepsHistory() {
        return true;
    }

    @Override
    public CompletionStage<StreamPosition> publish(String channel, byte[] packet, HistoryPolicy history) {
        return CompletableFuture.supplyAsync(
                () -> {
                    StreamPosition position = hub.history.append(channel, packet, history);
                    for (InMemoryBroker node : hub.nodes) { // every interested node, this one too
                        Inbound target = node.inbound;
                        if (target != null && node.interestedIn(channel, hub.patterns)) {
                            target.deliver(channel, packet, position, node == this);
                        }
                    }
                    return position;
                },
                hub.delivery);
    }

    @Override
    public CompletionStage<HistoryPage> history(
            String channel, HistoryPolicy history, @Nullable StreamPosition since, int limit) {
        return CompletableFuture.supplyAsync(() -> hub.history.read(channel, history, since, limit), hub.delivery);
    }

    @Override
    public boolean keepsPresence() {
        return true;
    }

    @Override
    public CompletionStage<Boolean> join(String channel, PresenceEntry entry, Duration ttl) {
        return CompletableFuture.supplyAsync(
                () -> {
                    boolean added = hub.presence.join(channel, entry, ttl);
                    if (added) {
                        hub.fanOut(this, channel, inbound -> inbound.presence(channel, entry, true));
                    }
                    return added;
                },
                hub.delivery);
    }

    @Override
    public CompletionStage<Boolean> leave(String channel, PresenceEntry entry) {
        return CompletableFuture.supplyAsync(
                () -> {
                    boolean removed = hub.presence.leave(channel, entry.session());
                    if (removed) {
                        hub.fanOut(this, channel, inbound -> inbound.presence(channel, entry, false));
                    }
                    return removed;
                },
                hub.delivery);
    }

    @Override
    public CompletionStage<List<PresenceEntry>> presence(String channel) {
        return CompletableFuture.supplyAsync(() -> hub.presence.presence(channel), hub.delivery);
    }

    @Override
    public CompletionStage<Void> interest(String nameOrPattern, boolean subscribed) {
        // Through the delivery thread, so an interest is in place before later publications are delivered.
        return CompletableFuture.runAsync(
                () -> {
                    if (subscribed) {
                        interests.add(nameOrPattern);
                    } else {
                        interests.remove(nameOrPattern);
                    }
                },
                hub.delivery);
    }

    @Override
    public CompletionStage<Void> close() {
        inbound = null;
        hub.nodes.remove(this);
        return CompletableFuture.completedFuture(null);
    }

    /** The names and patterns this node has subscribers for, as the server reported them. */
    public Set<String> interests() {
        return Set.copyOf(interests);
    }
}
