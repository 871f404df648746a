package dev.tether.testing;

import dev.tether.core.ChannelPattern;
import dev.tether.server.spi.ClusterBroker;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
 * one channel in the order they were made.
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

        private void fanOut(InMemoryBroker from, String channel, byte[] packet) {
            for (InMemoryBroker node : nodes) {
                Inbound target = node.inbound;
                if (node != from && target != null && node.interestedIn(channel, patterns)) {
                    target.deliver(channel, packet);
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
        return CompletableFuture.runAsync(() -> hub.fanOut(this, channel, packet), hub.delivery);
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
