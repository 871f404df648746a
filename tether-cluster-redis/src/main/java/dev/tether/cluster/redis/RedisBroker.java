package dev.tether.cluster.redis;

import dev.tether.cluster.redis.internal.RedisNode;
import dev.tether.core.Checks;
import dev.tether.core.StreamPosition;
import dev.tether.server.spi.ClusterBroker;
import dev.tether.server.spi.HistoryPage;
import dev.tether.server.spi.HistoryPolicy;
import dev.tether.server.spi.PresenceEntry;
import io.lettuce.core.RedisURI;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.ToLongFunction;
import org.jspecify.annotations.Nullable;

/**
 * A {@link ClusterBroker} on Redis: publications travel over Redis Pub/Sub to the nodes that subscribe to their
 * channel, channel history lives in Redis streams and presence in Redis hashes, and Lua scripts keep both atomic for
 * the whole cluster. Every node of a cluster connects to the same Redis with the same {@link Builder#prefix prefix}.
 *
 * <pre>{@code
 * TetherServer server = TetherServer.builder()
 *         .port(8765)
 *         .clusterBroker(RedisBroker.builder("redis://127.0.0.1:6379").build())
 *         .build()
 *         .start();
 * }</pre>
 *
 * <p>Lifecycle: the server starts the broker, which opens two connections (one for commands, one for Pub/Sub) and
 * fails to start when Redis is unreachable; it closes the broker when it stops. A broker is started once.
 *
 * <p>Threads: no method waits for Redis. Stages complete, and publications of other nodes arrive, on Lettuce's
 * event-loop threads. Every command of a node travels over its one command connection in the order of the calls, so
 * its publications of a channel reach the other nodes in order and their stages complete in order.
 *
 * <p>When Redis is unreachable, Lettuce reconnects by itself (backing off up to 5 s) and restores the Pub/Sub
 * subscriptions. Meanwhile publications are held, at most {@link Builder#maxPendingPublications} of them, and sent
 * when Redis is back; more are dropped: their stage fails, {@link Stats#dropped()} counts them, and the first of an
 * outage is logged at WARN. Reads and presence fail after {@link Builder#commandTimeout}. {@code
 * docs/cluster-redis.md} tells what this broker keeps in Redis.
 */
public final class RedisBroker implements ClusterBroker {
    private final String redisUri;
    private final String prefix;
    private final int maxPendingPublications;
    private final Duration commandTimeout;
    private final RedisNode node;

    private RedisBroker(Builder builder) {
        this.redisUri = builder.redisUri;
        this.prefix = builder.prefix;
        this.maxPendingPublications = builder.maxPendingPublications;
        this.commandTimeout = builder.commandTimeout;
        this.node = new RedisNode(redisUri, prefix, maxPendingPublications, commandTimeout);
    }

    /**
     * A builder of a broker for the Redis at {@code redisUri}, as Lettuce reads it: {@code redis://host:port},
     * {@code redis://:password@host:port/db}, {@code rediss://...} for TLS.
     *
     * @throws IllegalArgumentException if {@code redisUri} is not a Redis URI
     */
    public static Builder builder(String redisUri) {
        return new Builder(redisUri);
    }

    /** A builder with this broker's settings, for another broker (a broker is started once). */
    public Builder toBuilder() {
        return new Builder(redisUri)
                .prefix(prefix)
                .maxPendingPublications(maxPendingPublications)
                .commandTimeout(commandTimeout);
    }

    /** The start of every key and Pub/Sub channel of this broker's cluster. */
    public String prefix() {
        return prefix;
    }

    /** The most publications held for Redis; see {@link Builder#maxPendingPublications}. */
    public int maxPendingPublications() {
        return maxPendingPublications;
    }

    /** How long a read or presence command waits for Redis. */
    public Duration commandTimeout() {
        return commandTimeout;
    }

    /** What this broker has done so far, and whether it is connected now. */
    public Stats stats() {
        long[] counters = node.counters();
        return new Stats(
                counters[0],
                counters[1],
                counters[2],
                counters[3],
                counters[4],
                counters[5],
                node.pendingPublications(),
                node.connected());
    }

    /**
     * A broker's counters since it started; a snapshot, each counter read on its own.
     *
     * @param published publications Redis accepted (with or without history)
     * @param received publications and presence events of other nodes handed to the server
     * @param dropped publications refused because {@code maxPendingPublications} were waiting for Redis
     * @param failed publications Redis did not accept: an error, a lost script, or the broker closed first
     * @param malformed messages on this cluster's channels that were no envelope of this version, dropped
     * @param reconnects times the command connection came back after it was lost
     * @param pending publications waiting for Redis now: held while it is unreachable, or on their way
     * @param connected whether both connections are up now
     */
    public record Stats(
            long published,
            long received,
            long dropped,
            long failed,
            long malformed,
            long reconnects,
            int pending,
            boolean connected) {}

    /** Whether both connections to Redis are up now; {@code GET /health/ready} answers 503 while they are not. */
    @Override
    public boolean isConnected() {
        return node.connected();
    }

    /**
     * Registers {@link #stats()} as meters tagged {@code broker=redis}: function counters {@code tether.broker.published},
     * {@code .received}, {@code .dropped}, {@code .failed}, {@code .malformed}, {@code .reconnects} and the gauge
     * {@code tether.broker.pending}; read when the registry is scraped.
     */
    @Override
    public List<Meter> bindTo(MeterRegistry registry) {
        List<Meter> meters = new ArrayList<>();
        meters.add(counter(registry, "published", "Publications Redis accepted", Stats::published));
        meters.add(counter(registry, "received", "Publications and presence events of other nodes", Stats::received));
        meters.add(counter(registry, "dropped", "Publications refused: too many waiting for Redis", Stats::dropped));
        meters.add(counter(registry, "failed", "Publications Redis did not accept", Stats::failed));
        meters.add(counter(
                registry, "malformed", "Messages on the cluster's channels that were dropped", Stats::malformed));
        meters.add(counter(registry, "reconnects", "Times the connection to Redis came back", Stats::reconnects));
        meters.add(Gauge.builder("tether.broker.pending", this, b -> b.stats().pending())
                .tag("broker", "redis")
                .description("Publications waiting for Redis now")
                .register(registry));
        return meters;
    }

    private Meter counter(MeterRegistry registry, String name, String description, ToLongFunction<Stats> value) {
        return FunctionCounter.builder("tether.broker." + name, this, b -> value.applyAsLong(b.stats()))
                .tag("broker", "redis")
                .description(description)
                .register(registry);
    }

    @Override
    public CompletionStage<Void> start(Inbound inbound) {
        return node.start(inbound);
    }

    @Override
    public CompletionStage<Void> publish(String channel, byte[] packet) {
        return node.publish(channel, packet);
    }

    @Override
    public CompletionStage<Void> interest(String nameOrPattern, boolean subscribed) {
        return node.interest(nameOrPattern, subscribed);
    }

    @Override
    public CompletionStage<Void> close() {
        return node.close();
    }

    @Override
    public boolean keepsHistory() {
        return true;
    }

    @Override
    public CompletionStage<StreamPosition> publish(String channel, byte[] packet, HistoryPolicy history) {
        return node.publish(channel, packet, history);
    }

    @Override
    public CompletionStage<HistoryPage> history(
            String channel, HistoryPolicy history, @Nullable StreamPosition since, int limit) {
        return node.history(channel, history, since, limit);
    }

    @Override
    public boolean keepsPresence() {
        return true;
    }

    @Override
    public CompletionStage<Boolean> join(String channel, PresenceEntry entry, Duration ttl) {
        return node.join(channel, entry, ttl);
    }

    @Override
    public CompletionStage<Boolean> leave(String channel, PresenceEntry entry) {
        return node.leave(channel, entry);
    }

    @Override
    public CompletionStage<List<PresenceEntry>> presence(String channel) {
        return node.presence(channel);
    }

    /** Names the Redis (without its password) and the prefix. */
    @Override
    public String toString() {
        return "RedisBroker{" + node.display() + ", prefix=" + prefix + "}";
    }

    /** Settings of a {@link RedisBroker}; each is checked when it is set. */
    public static final class Builder {
        private final String redisUri;
        private String prefix = "tether";
        private int maxPendingPublications = 10_000;
        private Duration commandTimeout = Duration.ofSeconds(5);

        private Builder(String redisUri) {
            try {
                RedisURI.create(redisUri);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(
                        "redisUri: " + redisUri + " (expected: redis://host:port or rediss://...): " + e.getMessage(),
                        e);
            }
            this.redisUri = redisUri;
        }

        /**
         * The start of every key and Pub/Sub channel, so that several clusters (or test runs) share one Redis;
         * default {@code tether}. Every node of a cluster uses the same.
         */
        public Builder prefix(String prefix) {
            this.prefix = Checks.notEmpty(prefix, "prefix");
            return this;
        }

        /**
         * The most publications waiting for Redis (held while it is unreachable, or sent and not yet answered);
         * beyond it a publication is dropped and its stage fails. Default 10,000.
         */
        public Builder maxPendingPublications(int maxPendingPublications) {
            this.maxPendingPublications = Checks.positive(maxPendingPublications, "maxPendingPublications");
            return this;
        }

        /**
         * How long a history read, a presence command or a subscription waits for Redis before its stage fails;
         * default 5 s. Publications are not timed: they wait for Redis, bounded in number instead.
         */
        public Builder commandTimeout(Duration commandTimeout) {
            this.commandTimeout = Checks.positive(commandTimeout, "commandTimeout");
            return this;
        }

        public RedisBroker build() {
            return new RedisBroker(this);
        }
    }
}
