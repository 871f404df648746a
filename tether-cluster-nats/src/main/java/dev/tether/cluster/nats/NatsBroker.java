package dev.tether.cluster.nats;

import dev.tether.cluster.nats.internal.NatsEngine;
import dev.tether.cluster.nats.internal.Subjects;
import dev.tether.core.StreamPosition;
import dev.tether.server.spi.ClusterBroker;
import dev.tether.server.spi.HistoryPage;
import dev.tether.server.spi.HistoryPolicy;
import dev.tether.server.spi.PresenceEntry;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.nats.client.Options;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;
import org.jspecify.annotations.Nullable;

/**
 * A {@link ClusterBroker} on NATS: publications travel over core NATS subjects to the nodes interested in them,
 * channel history and presence live in JetStream (file storage), so the servers of a cluster share them.
 *
 * <pre>{@code
 * TetherServer server = TetherServer.builder()
 *         .port(8765)
 *         .clusterBroker(NatsBroker.builder("nats://127.0.0.1:4222").build())
 *         .build()
 *         .start();
 * }</pre>
 *
 * <p>Lifecycle: the server calls {@link #start}, which connects in the background and completes once NATS first
 * answers; jnats then reconnects by itself, forever, and {@link #close} ends it. A broker is started once. While
 * NATS is unreachable, publications are held (at most {@link #maxPendingPublications()}, the rest refused) and sent
 * in order when it is back; reads ({@link #history}, {@link #presence}) and presence writes fail at once.
 *
 * <p>Threads: every method returns at once and never blocks; stages complete on jnats' threads, and publications of
 * other nodes reach the server's {@link ClusterBroker.Inbound} on jnats' dispatcher thread, one at a time. The only
 * thread of the broker's own is a short-lived {@code tether-nats-close}, since jnats' close blocks.
 *
 * <p>NATS 2.9 or later with JetStream is needed. See {@code docs/cluster-nats.md} for the subjects, streams and
 * buckets it uses.
 */
public final class NatsBroker implements ClusterBroker {
    private final String url;
    private final String prefix;
    private final int maxPendingPublications;
    private final Duration requestTimeout;
    private final int replicas;
    private final Consumer<Options.Builder> natsOptions;
    private final NatsEngine engine;

    private NatsBroker(Builder b) {
        this.url = b.url;
        this.prefix = b.prefix;
        this.maxPendingPublications = b.maxPendingPublications;
        this.requestTimeout = b.requestTimeout;
        this.replicas = b.replicas;
        this.natsOptions = b.natsOptions;
        this.engine = new NatsEngine(
                "NatsBroker(" + prefix + ")",
                url,
                prefix,
                maxPendingPublications,
                requestTimeout,
                replicas,
                natsOptions);
    }

    /**
     * A builder for a broker on the NATS server at {@code natsUrl} ({@code nats://host:port}, or several separated
     * by commas).
     */
    public static Builder builder(String natsUrl) {
        return new Builder(natsUrl);
    }

    /** A builder holding this broker's settings, for another node like this one. */
    public Builder toBuilder() {
        return new Builder(url)
                .prefix(prefix)
                .maxPendingPublications(maxPendingPublications)
                .requestTimeout(requestTimeout)
                .replicas(replicas)
                .natsOptions(natsOptions);
    }

    /** The NATS server(s) this broker connects to. */
    public String url() {
        return url;
    }

    /** What every subject, stream and bucket name of this broker starts with. */
    public String prefix() {
        return prefix;
    }

    /** The most publications held while NATS is unreachable or queued for a history position. */
    public int maxPendingPublications() {
        return maxPendingPublications;
    }

    /** How long a JetStream call, or the confirmation of a new interest, may take before its stage fails. */
    public Duration requestTimeout() {
        return requestTimeout;
    }

    /** The JetStream replicas of the streams and buckets this broker creates. */
    public int replicas() {
        return replicas;
    }

    /** Counters since this broker started. */
    public NatsBrokerStats stats() {
        return engine.stats();
    }

    /** Whether the connection to NATS is up now; {@code GET /health/ready} answers 503 while it is not. */
    @Override
    public boolean isConnected() {
        return engine.stats().connected();
    }

    /**
     * Registers {@link #stats()} as meters tagged {@code broker=nats}: function counters {@code tether.broker.published},
     * {@code .received}, {@code .dropped}, {@code .reconnects}, {@code .history.conflicts} and the gauge
     * {@code tether.broker.pending} ({@code held}); read when the registry is scraped.
     */
    @Override
    public List<Meter> bindTo(MeterRegistry registry) {
        List<Meter> meters = new ArrayList<>();
        meters.add(counter(
                registry, "published", "Publications and presence events sent to NATS", NatsBrokerStats::published));
        meters.add(counter(
                registry, "received", "Publications and presence events of other nodes", NatsBrokerStats::received));
        meters.add(counter(
                registry, "dropped", "Publications refused or dropped by a full queue", NatsBrokerStats::dropped));
        meters.add(
                counter(registry, "reconnects", "Times the connection to NATS came back", NatsBrokerStats::reconnects));
        meters.add(counter(
                registry,
                "history.conflicts",
                "History appends tried again because another node stored that offset first",
                NatsBrokerStats::historyConflicts));
        meters.add(Gauge.builder("tether.broker.pending", this, b -> b.stats().held())
                .tag("broker", "nats")
                .description("Publications held for NATS or for their place in a history now")
                .register(registry));
        return meters;
    }

    private Meter counter(
            MeterRegistry registry, String name, String description, ToLongFunction<NatsBrokerStats> value) {
        return FunctionCounter.builder("tether.broker." + name, this, b -> value.applyAsLong(b.stats()))
                .tag("broker", "nats")
                .description(description)
                .register(registry);
    }

    @Override
    public CompletionStage<Void> start(Inbound inbound) {
        return engine.start(inbound);
    }

    @Override
    public CompletionStage<Void> publish(String channel, byte[] packet) {
        return engine.publish(channel, packet);
    }

    @Override
    public CompletionStage<Void> interest(String nameOrPattern, boolean subscribed) {
        return engine.interest(nameOrPattern, subscribed);
    }

    @Override
    public CompletionStage<Void> close() {
        return engine.close();
    }

    @Override
    public boolean keepsHistory() {
        return true;
    }

    @Override
    public CompletionStage<StreamPosition> publish(String channel, byte[] packet, HistoryPolicy history) {
        return engine.publish(channel, packet, history);
    }

    @Override
    public CompletionStage<HistoryPage> history(
            String channel, HistoryPolicy history, @Nullable StreamPosition since, int limit) {
        return engine.history(channel, history, since, limit);
    }

    @Override
    public boolean keepsPresence() {
        return true;
    }

    @Override
    public CompletionStage<Boolean> join(String channel, PresenceEntry entry, Duration ttl) {
        return engine.join(channel, entry, ttl);
    }

    @Override
    public CompletionStage<Boolean> leave(String channel, PresenceEntry entry) {
        return engine.leave(channel, entry);
    }

    @Override
    public CompletionStage<List<PresenceEntry>> presence(String channel) {
        return engine.presence(channel);
    }

    @Override
    public String toString() {
        return "NatsBroker(" + url + ", prefix " + prefix + ")";
    }

    /** Settings of a {@link NatsBroker}; {@link #build()} checks them. */
    public static final class Builder {
        private final String url;
        private String prefix = "tether";
        private int maxPendingPublications = 10_000;
        private Duration requestTimeout = Duration.ofSeconds(5);
        private int replicas = 1;
        private Consumer<Options.Builder> natsOptions = options -> {};

        private Builder(String url) {
            if (url.isBlank()) {
                throw new IllegalArgumentException("natsUrl: '" + url + "' (expected: nats://host:port)");
            }
            this.url = url;
        }

        /**
         * What every subject, stream and bucket name starts with (default {@code tether}): clusters with different
         * prefixes share a NATS without meeting. 1 to 64 of {@code A-Z a-z 0-9 _ -}.
         */
        public Builder prefix(String prefix) {
            this.prefix = Subjects.checkPrefix(prefix);
            return this;
        }

        /**
         * The most publications that may wait (default 10,000): held while NATS is unreachable, or queued behind
         * the previous one of their channel for a history position. Beyond it a publication is refused: its stage
         * fails, it is counted in {@link NatsBrokerStats#dropped()}, and the first refusal of an outage is logged.
         */
        public Builder maxPendingPublications(int maxPendingPublications) {
            if (maxPendingPublications < 1) {
                throw new IllegalArgumentException(
                        "maxPendingPublications: " + maxPendingPublications + " (expected: >= 1)");
            }
            this.maxPendingPublications = maxPendingPublications;
            return this;
        }

        /**
         * How long a JetStream call (a history append or read, a presence change) or the confirmation of a new
         * interest may take before its stage fails (default 5 s; jnats checks every that long, so a failure comes
         * within twice it).
         */
        public Builder requestTimeout(Duration requestTimeout) {
            if (requestTimeout.isNegative() || requestTimeout.isZero()) {
                throw new IllegalArgumentException("requestTimeout: " + requestTimeout + " (expected: > 0)");
            }
            this.requestTimeout = requestTimeout;
            return this;
        }

        /** The JetStream replicas of the streams and buckets the broker creates (default 1; 3 on a NATS cluster). */
        public Builder replicas(int replicas) {
            if (replicas < 1 || replicas > 5) {
                throw new IllegalArgumentException("replicas: " + replicas + " (expected: 1 to 5)");
            }
            this.replicas = replicas;
            return this;
        }

        /**
         * Adjusts jnats' connection options (credentials, TLS, connect timeout, reconnect wait) before the broker
         * sets the ones it relies on, which win: no echo, reconnecting forever, no reconnect buffer (it holds
         * publications itself), an outgoing queue that drops rather than blocks, no-responders reports, timeout
         * exceptions, the request cleanup interval ({@link #requestTimeout}), its listeners, the connection name.
         */
        public Builder natsOptions(Consumer<Options.Builder> natsOptions) {
            this.natsOptions = natsOptions;
            return this;
        }

        /**
         * A broker with these settings, not connected until the server starts it.
         *
         * @throws IllegalArgumentException if the URL is not a NATS URL
         */
        public NatsBroker build() {
            return new NatsBroker(this);
        }
    }
}
