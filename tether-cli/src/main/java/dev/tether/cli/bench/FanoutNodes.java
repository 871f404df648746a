package dev.tether.cli.bench;

import dev.tether.core.StreamPosition;
import dev.tether.server.InboundRateAction;
import dev.tether.server.NonBlocking;
import dev.tether.server.RpcOptions;
import dev.tether.server.TetherHandler;
import dev.tether.server.TetherServer;
import dev.tether.server.spi.ClusterBroker;
import dev.tether.server.spi.HistoryPage;
import dev.tether.server.spi.HistoryPolicy;
import dev.tether.server.spi.PresenceEntry;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The servers of {@code tether bench fanout --nodes N}: N Tether nodes in this process, each on 127.0.0.1 with a
 * port of its own and its own broker (one node may have none), offering the fan-out what the bench server of
 * {@code bench/compare.sh} offers it: the built-in {@code subscribe} and {@code publish(channel, data)}, which
 * publishes on its node and answers how many deliveries it queued there, on the publisher's I/O thread (so one
 * publisher's publications go out in order, one after another). With {@code history} the bench channel keeps a
 * history, so that every publication takes the broker's positioned path.
 *
 * <p>{@link #close} closes the nodes, and each node its broker.
 */
public final class FanoutNodes implements AutoCloseable {
    /** The bench channel's history with {@code history}: small, because only the positions are measured. */
    static final int HISTORY_SIZE = 100;

    static final Duration HISTORY_TTL = Duration.ofMinutes(1);
    private static final Duration FORWARDING_TIMEOUT = Duration.ofSeconds(30);

    private final List<TetherServer> servers = new ArrayList<>();
    private final List<ForwardingWatch> brokers = new ArrayList<>();

    private FanoutNodes() {}

    /**
     * Starts {@code count} nodes with {@code ioThreads} I/O threads each; {@code brokers} makes each node's broker,
     * not yet started (the node starts it), and is {@code null} only for a single node without a broker.
     *
     * @throws IllegalArgumentException for several nodes without brokers
     */
    public static FanoutNodes start(
            int count, int ioThreads, boolean history, @Nullable Supplier<ClusterBroker> brokers) {
        if (count < 1 || (count > 1 && brokers == null)) {
            throw new IllegalArgumentException(
                    "nodes: " + count + (brokers == null ? " without a broker (expected: 1)" : " (expected: > 0)"));
        }
        FanoutNodes nodes = new FanoutNodes();
        try {
            for (int i = 0; i < count; i++) {
                nodes.servers.add(nodes.node(ioThreads, history, brokers).start());
            }
        } catch (RuntimeException e) {
            nodes.close();
            throw e;
        }
        return nodes;
    }

    private TetherServer node(int ioThreads, boolean history, @Nullable Supplier<ClusterBroker> brokers) {
        TetherServer.Builder builder = TetherServer.builder()
                .host("127.0.0.1")
                .port(0)
                .ioThreads(ioThreads)
                .handler(new Quiet())
                .clientSubscriptions((session, name) -> true)
                .idleTimeout(Duration.ZERO)
                // The publisher sends as fast as it can, far past the internet default of 1000 per second.
                .inboundRate(0, 0, InboundRateAction.THROTTLE);
        if (history) {
            builder.history(LoadOptions.FANOUT_CHANNEL, HISTORY_SIZE, HISTORY_TTL);
        }
        if (brokers != null) {
            ForwardingWatch broker = new ForwardingWatch(brokers.get());
            this.brokers.add(broker);
            builder.clusterBroker(broker);
        }
        TetherServer server = builder.build();
        server.rpc()
                .register(
                        RpcOptions.named("publish").nonBlocking(),
                        call -> server.publish(
                                call.arg(0, "channel", String.class),
                                call.args().size() > 1 ? call.args().get(1) : null));
        return server;
    }

    /** The nodes' addresses, in the order they started; the first is where {@code bench fanout} publishes. */
    public List<URI> urls() {
        List<URI> urls = new ArrayList<>(servers.size());
        for (TetherServer server : servers) {
            urls.add(URI.create("ws://127.0.0.1:" + server.port() + "/"));
        }
        return urls;
    }

    /**
     * Returns once every node's broker carries the publications of other nodes on {@code channel} to it (its
     * {@link ClusterBroker#interest} stage completed): a publication made before then may miss a node. At once for
     * a node without a broker.
     *
     * @throws IllegalStateException if a broker failed, or did not within 30 s
     */
    public void awaitForwarding(String channel) throws InterruptedException {
        long deadline = System.nanoTime() + FORWARDING_TIMEOUT.toNanos();
        for (ForwardingWatch broker : brokers) {
            try {
                broker.forwarding(channel).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (ExecutionException e) {
                throw new IllegalStateException(
                        "the broker " + broker + " failed to forward '" + channel + "': " + e.getCause(), e);
            } catch (TimeoutException e) {
                throw new IllegalStateException("the broker " + broker + " did not forward '" + channel + "' within "
                        + FORWARDING_TIMEOUT.toSeconds() + " s (expected: a broker this machine reaches)");
            }
        }
    }

    @Override
    public void close() {
        for (int i = servers.size() - 1; i >= 0; i--) {
            servers.get(i).close();
        }
    }

    /** No callbacks; {@link NonBlocking} so that {@code publish} runs where its checks ran, on the I/O thread. */
    @NonBlocking
    private static final class Quiet implements TetherHandler {}

    /**
     * A node's broker as it is, which also notes when each of its {@link #interest} stages completes, so the bench
     * can wait until every node receives the channel before it publishes.
     */
    private static final class ForwardingWatch implements ClusterBroker {
        private final ClusterBroker broker;
        private final Map<String, CompletableFuture<Void>> forwarding = new ConcurrentHashMap<>();

        ForwardingWatch(ClusterBroker broker) {
            this.broker = broker;
        }

        /** Completes when the broker forwards {@code name}; the node's first subscriber may come before or after. */
        CompletableFuture<Void> forwarding(String name) {
            return forwarding.computeIfAbsent(name, n -> new CompletableFuture<>());
        }

        @Override
        public CompletionStage<Void> interest(String nameOrPattern, boolean subscribed) {
            CompletionStage<Void> stage = broker.interest(nameOrPattern, subscribed);
            if (subscribed) {
                CompletableFuture<Void> ready = forwarding(nameOrPattern);
                stage.whenComplete((ok, error) -> {
                    if (error != null) {
                        ready.completeExceptionally(error);
                    } else {
                        ready.complete(null);
                    }
                });
            }
            return stage;
        }

        @Override
        public CompletionStage<Void> start(Inbound inbound) {
            return broker.start(inbound);
        }

        @Override
        public CompletionStage<Void> publish(String channel, byte[] packet) {
            return broker.publish(channel, packet);
        }

        @Override
        public CompletionStage<Void> close() {
            return broker.close();
        }

        @Override
        public boolean keepsHistory() {
            return broker.keepsHistory();
        }

        @Override
        public CompletionStage<StreamPosition> publish(String channel, byte[] packet, HistoryPolicy history) {
            return broker.publish(channel, packet, history);
        }

        @Override
        public CompletionStage<HistoryPage> history(
                String channel, HistoryPolicy history, @Nullable StreamPosition since, int limit) {
            return broker.history(channel, history, since, limit);
        }

        @Override
        public boolean keepsPresence() {
            return broker.keepsPresence();
        }

        @Override
        public CompletionStage<Boolean> join(String channel, PresenceEntry entry, Duration ttl) {
            return broker.join(channel, entry, ttl);
        }

        @Override
        public CompletionStage<Boolean> leave(String channel, PresenceEntry entry) {
            return broker.leave(channel, entry);
        }

        @Override
        public CompletionStage<List<PresenceEntry>> presence(String channel) {
            return broker.presence(channel);
        }

        @Override
        public String toString() {
            return broker.toString();
        }
    }
}
