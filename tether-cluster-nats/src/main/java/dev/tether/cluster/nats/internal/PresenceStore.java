package dev.tether.cluster.nats.internal;

import dev.tether.server.spi.PresenceEntry;
import io.nats.client.Connection;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.Headers;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * Presence in one JetStream key-value bucket, key {@code <channel>.<session>} (each base64url), value the entry's
 * info, and a {@code Tether-Ttl} header with the entry's time to live.
 *
 * <p>NATS 2.9 has no per-key time to live, so an entry is live while its write time (NATS's timestamp) plus its
 * own ttl is in the future: expired entries are left out of answers and deleted when read. The bucket's own age
 * limit (the longest ttl any join asked for: the first join creates it with its ttl, a longer one raises it) removes
 * the entries nobody reads again. Writes use the key's revision, so a join tells a new entry from a refresh exactly
 * even when two nodes race.
 */
final class PresenceStore {
    private static final int MAX_ATTEMPTS = 16;

    private final Subjects subjects;
    private final JetStreamCalls calls;
    private final Link link;
    private final Streams streams;
    private final Context context;
    private final Clock clock;
    private final String bucket;
    private final String stream;
    /** The age limit the bucket is known to have, or null before this node made sure it exists. */
    private volatile @Nullable Duration bucketAge;

    PresenceStore(Context context, Clock clock) {
        this.context = context;
        this.subjects = context.subjects();
        this.calls = context.calls();
        this.link = context.link();
        this.streams = context.streams();
        this.clock = clock;
        this.bucket = subjects.presenceBucket();
        this.stream = Subjects.kvStream(bucket);
    }

    /** See {@code ClusterBroker.join}. */
    CompletableFuture<Boolean> join(String channel, PresenceEntry entry, Duration ttl) {
        String subject = Subjects.kvSubject(bucket, Subjects.presenceKey(channel, entry.session()));
        return link.upOrFail()
                .thenCompose(connection -> bucketFor(connection, ttl, 1)
                        .thenCompose(ready -> write(connection, subject, entry, ttl, 0, true, 1)))
                .thenApply(added -> {
                    if (added) {
                        tell(channel, entry, true);
                    }
                    return added;
                });
    }

    /** Writes the entry expecting revision {@code expected}; on a race, reads the key and tries again. */
    private CompletableFuture<Boolean> write(
            Connection connection,
            String subject,
            PresenceEntry entry,
            Duration ttl,
            long expected,
            boolean added,
            int attempt) {
        Headers headers = new Headers()
                .put(Envelope.EXPECTED_LAST_SUBJECT_SEQUENCE, Long.toString(expected))
                .put(Envelope.TTL, Long.toString(Subjects.millis(ttl)))
                .put(Envelope.NODE, context.node());
        return calls.publish(connection, subject, headers, entry.info())
                .thenApply(ack -> added)
                .exceptionallyCompose(error -> {
                    if (JetStreamCalls.errorCode(error) != JetStreamCalls.WRONG_LAST_SEQUENCE
                            || attempt >= MAX_ATTEMPTS) {
                        return CompletableFuture.failedFuture(error);
                    }
                    return calls.last(connection, stream, subject)
                            .thenCompose(stored -> write(
                                    connection,
                                    subject,
                                    entry,
                                    ttl,
                                    stored == null ? 0 : stored.sequence(),
                                    stored == null || !isLive(stored),
                                    attempt + 1));
                });
    }

    /** See {@code ClusterBroker.leave}. */
    CompletableFuture<Boolean> leave(String channel, PresenceEntry entry) {
        String subject = Subjects.kvSubject(bucket, Subjects.presenceKey(channel, entry.session()));
        return link.upOrFail()
                .thenCompose(connection -> bucketExists(connection)
                        .thenCompose(exists -> exists
                                ? remove(connection, subject, 1)
                                : CompletableFuture.completedFuture(false))) // nobody ever joined
                .thenApply(removed -> {
                    if (removed) {
                        tell(channel, entry, false);
                    }
                    return removed;
                });
    }

    private CompletableFuture<Boolean> remove(Connection connection, String subject, int attempt) {
        return calls.last(connection, stream, subject).thenCompose(stored -> {
            if (stored == null || HistoryLogs.isDeleteMarker(stored)) {
                return CompletableFuture.completedFuture(false);
            }
            boolean live = isLive(stored);
            return delete(connection, subject, stored.sequence())
                    .thenApply(deleted -> live)
                    .exceptionallyCompose(error -> JetStreamCalls.errorCode(error) == JetStreamCalls.WRONG_LAST_SEQUENCE
                                    && attempt < MAX_ATTEMPTS
                            ? remove(connection, subject, attempt + 1) // refreshed meanwhile
                            : CompletableFuture.failedFuture(error));
        });
    }

    private CompletableFuture<Long> delete(Connection connection, String subject, long revision) {
        Headers headers = new Headers()
                .put(Envelope.KV_OPERATION, "DEL")
                .put(Envelope.EXPECTED_LAST_SUBJECT_SEQUENCE, Long.toString(revision))
                .put(Envelope.NODE, context.node());
        return calls.publish(connection, subject, headers, new byte[0]).thenApply(ack -> ack.getSeqno());
    }

    /** See {@code ClusterBroker.presence}. */
    CompletableFuture<List<PresenceEntry>> presence(String channel) {
        String filter = Subjects.kvSubject(bucket, Subjects.key(channel) + ".*");
        return link.upOrFail()
                .thenCompose(connection -> calls.subjects(connection, stream, filter)
                        .thenCompose(keys -> {
                            List<CompletableFuture<@Nullable PresenceEntry>> reads = new ArrayList<>(keys.size());
                            for (String subject : keys) {
                                reads.add(read(connection, subject));
                            }
                            return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new))
                                    .thenApply(all -> {
                                        List<PresenceEntry> entries = new ArrayList<>(reads.size());
                                        for (CompletableFuture<@Nullable PresenceEntry> read : reads) {
                                            PresenceEntry entry = read.join();
                                            if (entry != null) {
                                                entries.add(entry);
                                            }
                                        }
                                        return entries;
                                    });
                        }));
    }

    private CompletableFuture<@Nullable PresenceEntry> read(Connection connection, String subject) {
        return calls.last(connection, stream, subject).thenApply(stored -> {
            if (stored == null || HistoryLogs.isDeleteMarker(stored)) {
                return null;
            }
            if (!isLive(stored)) {
                delete(connection, subject, stored.sequence()); // unless refreshed meanwhile
                return null;
            }
            String session = Subjects.unkey(subject.substring(subject.lastIndexOf('.') + 1));
            return session == null ? null : new PresenceEntry(session, stored.data());
        });
    }

    private boolean isLive(JetStreamCalls.Stored stored) {
        if (HistoryLogs.isDeleteMarker(stored)) {
            return false;
        }
        Headers headers = stored.headers();
        String ttl = headers == null ? null : headers.getFirst(Envelope.TTL);
        if (ttl == null) {
            return true; // the bucket's age limit alone decides
        }
        try {
            return stored.time().plusMillis(Long.parseLong(ttl)).isAfter(clock.instant());
        } catch (NumberFormatException | ArithmeticException e) {
            return true;
        }
    }

    private void tell(String channel, PresenceEntry entry, boolean joined) {
        context.outbox()
                .send(Envelope.presence(subjects.channel(channel), context.node(), entry, joined), false, channel);
    }

    // ---- the bucket ------------------------------------------------------------------------------------

    /** Whether the bucket exists: this node made sure of it, or NATS has it. */
    private CompletableFuture<Boolean> bucketExists(Connection connection) {
        if (bucketAge != null) {
            return CompletableFuture.completedFuture(true);
        }
        return calls.info(connection, stream).thenApply(config -> config != null);
    }

    /** Makes sure the bucket exists and keeps entries at least {@code ttl}. */
    private CompletableFuture<Void> bucketFor(Connection connection, Duration ttl, int attempt) {
        Duration known = bucketAge;
        if (known != null && (known.isZero() || known.compareTo(ttl) >= 0)) {
            return CompletableFuture.completedFuture(null);
        }
        return calls.create(connection, streams.presence(ttl)).thenCompose(config -> {
            Duration age = config.getMaxAge();
            if (age.isZero() || age.compareTo(ttl) >= 0) {
                bucketAge = age;
                return CompletableFuture.completedFuture(null);
            }
            if (attempt >= MAX_ATTEMPTS) {
                return CompletableFuture.failedFuture(new IllegalStateException(
                        "presence bucket " + bucket + " keeps entries " + age + " (expected: >= " + ttl + ")"));
            }
            StreamConfiguration longer =
                    StreamConfiguration.builder(config).maxAge(ttl).build();
            // Another node may raise it at the same time, to less: look again until it is enough.
            return calls.update(connection, longer).thenCompose(updated -> bucketFor(connection, ttl, attempt + 1));
        });
    }
}
