package dev.tether.cluster.nats.internal;

import dev.tether.server.spi.HistoryPolicy;
import io.nats.client.Connection;
import io.nats.client.api.DiscardPolicy;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JetStream streams and key-value buckets the broker uses, made on first use by whichever node needs them
 * first (creating one that exists with the same configuration is a no-op in JetStream) and remembered.
 */
final class Streams {
    private static final Logger log = LoggerFactory.getLogger(Streams.class);

    private final Subjects subjects;
    private final JetStreamCalls calls;
    private final int replicas;
    private final String owner;
    private final Map<String, CompletableFuture<StreamConfiguration>> known = new ConcurrentHashMap<>();

    Streams(Subjects subjects, JetStreamCalls calls, int replicas, String owner) {
        this.subjects = subjects;
        this.calls = calls;
        this.replicas = replicas;
        this.owner = owner;
    }

    /** The history stream of {@code policy}: per channel subject its newest {@code size}, each for {@code ttl}. */
    StreamConfiguration history(HistoryPolicy policy) {
        return StreamConfiguration.builder()
                .name(subjects.historyStream(policy))
                .subjects(subjects.historySubjects(policy))
                .storageType(StorageType.File)
                .retentionPolicy(RetentionPolicy.Limits)
                .discardPolicy(DiscardPolicy.Old)
                .maxMessagesPerSubject(policy.size())
                .maxAge(Duration.ofMillis(Subjects.millis(policy.ttl())))
                .allowDirect(true)
                .replicas(replicas)
                .build();
    }

    /** The bucket of channel positions under {@code policy}: one key per channel, kept {@code metaTtl}. */
    StreamConfiguration positions(HistoryPolicy policy) {
        return bucket(subjects.positionBucket(policy), Duration.ofMillis(Subjects.millis(policy.metaTtl())));
    }

    /** The presence bucket, its entries kept at most {@code maxAge} (0: forever). */
    StreamConfiguration presence(Duration maxAge) {
        return bucket(subjects.presenceBucket(), maxAge);
    }

    private StreamConfiguration bucket(String name, Duration maxAge) {
        return KeyValueConfiguration.builder()
                .name(name)
                .maxHistoryPerKey(1)
                .ttl(maxAge)
                .storageType(StorageType.File)
                .replicas(replicas)
                .build()
                .getBackingConfig();
    }

    /**
     * Completes with the configuration of {@code config}'s stream once it exists; a stream someone made with other
     * limits is used as it is, with a warning.
     */
    CompletableFuture<StreamConfiguration> ensure(Connection connection, StreamConfiguration config) {
        String name = config.getName();
        CompletableFuture<StreamConfiguration> existing = known.get(name);
        if (existing != null && !existing.isCompletedExceptionally()) {
            return existing;
        }
        CompletableFuture<StreamConfiguration> made = calls.create(connection, config);
        known.put(name, made);
        made.whenComplete((found, error) -> {
            if (error != null) {
                known.remove(name, made);
            } else if (!found.getMaxAge().equals(config.getMaxAge())
                    || found.getMaxMsgsPerSubject() != config.getMaxMsgsPerSubject()
                    || !found.getAllowDirect()) {
                log.warn(
                        "{}: JetStream stream {} exists with other limits than the broker's ({}); using it as it is",
                        owner,
                        name,
                        found.toJson());
            }
        });
        return made;
    }

    /** Forgets what is known of {@code name}, so the next use makes sure it exists again. */
    void forget(String name) {
        known.remove(name);
    }
}
