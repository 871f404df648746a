package dev.tether.cluster.nats.internal;

import dev.tether.core.StreamPosition;
import dev.tether.core.TetherException;
import dev.tether.server.spi.HistoryEntry;
import dev.tether.server.spi.HistoryPage;
import dev.tether.server.spi.HistoryPolicy;
import dev.tether.server.spi.MemoryHistory;
import io.nats.client.Connection;
import io.nats.client.impl.Headers;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Channel history in JetStream, with positions assigned atomically for the cluster.
 *
 * <p>Each policy has a stream whose subject per channel keeps its newest {@code size} publications for {@code ttl};
 * every stored publication carries its position in headers. A node appends with JetStream's optimistic concurrency:
 * it publishes offset {@code n + 1} expecting the subject's last sequence to be the one that holds offset {@code n},
 * so two nodes can never store the same offset; the loser re-reads the subject's last message and tries again. A
 * node appends to one channel one publication at a time (the next after the previous one's ack), which keeps its
 * publications in order, and remembers the channel's last sequence and position so that an uncontested append
 * costs one round trip.
 *
 * <p>The position outlives the publications in a key-value bucket per policy ({@code metaTtl}): read when the
 * channel's subject is empty, created with a fresh epoch at offset 0 for a channel never seen (or forgotten), and
 * raised after appends, never lowered. Once stored, a publication goes to the other nodes on its channel subject
 * with its position, through the {@link Outbox}.
 */
final class HistoryLogs {
    private static final Logger log = LoggerFactory.getLogger(HistoryLogs.class);
    private static final int MAX_ATTEMPTS = 64;
    /** Channels whose cached position is kept while nothing is pending on them. */
    private static final int MAX_IDLE_LANES = 10_000;

    private record Head(HistoryPolicy policy, long sequence, StreamPosition position) {}

    /** What a position bucket holds for a channel: the revision (0: none) and the position (null: none). */
    private record Kept(long revision, @Nullable StreamPosition position) {}

    /** One channel's appends on this node, one at a time; guarded by its monitor. */
    private static final class Lane {
        final String channel;
        CompletableFuture<@Nullable Void> tail = CompletableFuture.completedFuture(null);
        int queued;
        boolean evicted;

        @Nullable
        Head head;
        // The newest position this node stored and still has to write to the bucket.
        @Nullable
        StreamPosition positionWanted;

        @Nullable
        HistoryPolicy positionPolicy;

        boolean writingPosition;
        long positionRevision;

        Lane(String channel) {
            this.channel = channel;
        }
    }

    private final Subjects subjects;
    private final JetStreamCalls calls;
    private final Streams streams;
    private final Link link;
    private final Outbox outbox;
    private final Backlog backlog;
    private final Context context;
    private final Map<String, Lane> lanes = new ConcurrentHashMap<>();

    HistoryLogs(Context context, Backlog backlog) {
        this.context = context;
        this.subjects = context.subjects();
        this.calls = context.calls();
        this.streams = context.streams();
        this.link = context.link();
        this.outbox = context.outbox();
        this.backlog = backlog;
    }

    // ---- appending ---------------------------------------------------------------------------------------

    /** See {@code ClusterBroker.publish(channel, packet, history)}. */
    CompletableFuture<StreamPosition> append(String channel, byte[] packet, HistoryPolicy policy) {
        if (!backlog.tryAdd()) {
            return CompletableFuture.failedFuture(backlog.refuse(channel));
        }
        Queued<StreamPosition> queued;
        while (true) {
            Lane lane = lanes.computeIfAbsent(channel, Lane::new);
            synchronized (lane) {
                if (!lane.evicted) {
                    queued = enqueue(lane, it -> appendNow(it, packet, policy, 1));
                    break;
                }
            }
        }
        queued.result().whenComplete((position, error) -> backlog.remove());
        queued.start().run();
        return queued.result();
    }

    /**
     * Runs {@code send} after the appends pending on {@code channel}, or at once when there are none, so that a
     * publication without history does not overtake one with history on the same channel.
     */
    CompletableFuture<Void> afterAppends(String channel, Supplier<CompletableFuture<Void>> send) {
        Lane lane = lanes.get(channel);
        Queued<Void> queued = null;
        if (lane != null) {
            synchronized (lane) {
                if (lane.queued > 0 && !lane.evicted) {
                    queued = enqueue(lane, it -> send.get());
                }
            }
        }
        if (queued == null) {
            return send.get();
        }
        queued.start().run();
        return queued.result();
    }

    /** A task queued behind a channel's tail: {@code start} it once out of the lane's monitor. */
    private record Queued<T>(CompletableFuture<T> result, Runnable start) {}

    /** Queues {@code task} behind the lane's tail; the caller holds the lane's monitor. */
    private <T> Queued<T> enqueue(Lane lane, Function<Lane, CompletableFuture<T>> task) {
        CompletableFuture<T> result = new CompletableFuture<>();
        CompletableFuture<@Nullable Void> previous = lane.tail;
        lane.tail = result.handle((value, error) -> null);
        lane.queued++;
        result.whenComplete((value, error) -> dequeued(lane));
        Runnable start = () -> previous.whenComplete((ignored, error) -> {
            try {
                task.apply(lane).whenComplete((value, failure) -> {
                    if (failure == null) {
                        result.complete(value);
                    } else {
                        result.completeExceptionally(JetStreamCalls.unwrap(failure));
                    }
                });
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        return new Queued<>(result, start);
    }

    private void dequeued(Lane lane) {
        synchronized (lane) {
            lane.queued--;
            if (lane.queued == 0 && !lane.writingPosition && lanes.size() > MAX_IDLE_LANES) {
                lane.evicted = true;
                lanes.remove(lane.channel, lane);
            }
        }
    }

    private CompletableFuture<StreamPosition> appendNow(Lane lane, byte[] packet, HistoryPolicy policy, int attempt) {
        return link.whenUp()
                .thenCompose(connection -> streams.ensure(connection, streams.history(policy))
                        .thenCompose(config -> head(connection, lane, policy))
                        .thenCompose(head -> store(connection, lane, head, packet)))
                .handle((position, error) -> {
                    if (error == null) {
                        return CompletableFuture.completedFuture(position);
                    }
                    synchronized (lane) {
                        lane.head = null;
                    }
                    Connection connection = link.connection();
                    if (JetStreamCalls.notSent(error) && connection != null && attempt < MAX_ATTEMPTS) {
                        link.markDown(connection); // nothing reached NATS: wait for it, then try again
                        return appendNow(lane, packet, policy, attempt + 1);
                    }
                    if (JetStreamCalls.errorCode(error) == JetStreamCalls.WRONG_LAST_SEQUENCE) {
                        context.counters().historyConflicts.increment();
                        if (attempt < MAX_ATTEMPTS) {
                            return appendNow(lane, packet, policy, attempt + 1);
                        }
                    } else {
                        forget(policy); // maybe deleted: make sure they exist next time
                    }
                    return CompletableFuture.<StreamPosition>failedFuture(JetStreamCalls.unwrap(error));
                })
                .thenCompose(next -> next);
    }

    private CompletableFuture<StreamPosition> store(Connection connection, Lane lane, Head head, byte[] packet) {
        StreamPosition position = head.position().next();
        Headers headers = Envelope.withPosition(new Headers(), position)
                .put(Envelope.EXPECTED_LAST_SUBJECT_SEQUENCE, Long.toString(head.sequence()))
                .put(Envelope.NODE, context.node());
        String channel = lane.channel;
        return calls.publish(connection, subjects.historySubject(head.policy(), channel), headers, packet)
                .thenApply(ack -> {
                    synchronized (lane) {
                        lane.head = new Head(head.policy(), ack.getSeqno(), position);
                    }
                    // Beyond the backlog's bound: the publication is stored, its place is taken.
                    outbox.send(
                            Envelope.publication(subjects.channel(channel), context.node(), packet, position),
                            false,
                            channel);
                    keepPosition(lane, head.policy(), position);
                    return position;
                });
    }

    /** The channel's head: cached, or the subject's last message, or the position its bucket keeps. */
    private CompletableFuture<Head> head(Connection connection, Lane lane, HistoryPolicy policy) {
        synchronized (lane) {
            Head head = lane.head;
            if (head != null && head.policy().equals(policy)) {
                return CompletableFuture.completedFuture(head);
            }
        }
        return calls.last(connection, subjects.historyStream(policy), subjects.historySubject(policy, lane.channel))
                .thenCompose(last -> {
                    if (last != null) {
                        return CompletableFuture.completedFuture(
                                new Head(policy, last.sequence(), storedPosition(last)));
                    }
                    return kept(connection, policy, lane.channel)
                            .thenApply(kept -> new Head(policy, 0, Objects.requireNonNull(kept.position())));
                });
    }

    private static StreamPosition storedPosition(JetStreamCalls.Stored stored) {
        StreamPosition position = Envelope.position(stored.headers());
        if (position == null) {
            throw new TetherException("history message " + stored.sequence() + " has no position headers");
        }
        return position;
    }

    // ---- the position bucket -----------------------------------------------------------------------------

    /** The position the bucket keeps for {@code channel}, or a new epoch at offset 0 when it keeps none. */
    private CompletableFuture<Kept> kept(Connection connection, HistoryPolicy policy, String channel) {
        return streams.ensure(connection, streams.positions(policy))
                .thenCompose(config -> keptOrNew(connection, policy, channel, 1));
    }

    private CompletableFuture<Kept> keptOrNew(
            Connection connection, HistoryPolicy policy, String channel, int attempt) {
        return readKept(connection, policy, channel).thenCompose(kept -> {
            if (kept.position() != null) {
                return CompletableFuture.completedFuture(kept);
            }
            StreamPosition fresh = new StreamPosition(0, MemoryHistory.newEpoch());
            return writeKept(connection, policy, channel, fresh, kept.revision())
                    .thenApply(revision -> new Kept(revision, fresh))
                    .exceptionallyCompose(error -> JetStreamCalls.errorCode(error) == JetStreamCalls.WRONG_LAST_SEQUENCE
                                    && attempt < MAX_ATTEMPTS
                            ? keptOrNew(connection, policy, channel, attempt + 1) // another node made it first
                            : CompletableFuture.failedFuture(error));
        });
    }

    /** What the bucket holds for {@code channel}: revision 0 when nothing, a null position when deleted. */
    private CompletableFuture<Kept> readKept(Connection connection, HistoryPolicy policy, String channel) {
        String bucket = subjects.positionBucket(policy);
        String subject = Subjects.kvSubject(bucket, Subjects.key(channel));
        return calls.last(connection, Subjects.kvStream(bucket), subject).thenApply(stored -> {
            if (stored == null) {
                return new Kept(0, null);
            }
            if (isDeleteMarker(stored)) {
                return new Kept(stored.sequence(), null);
            }
            String value = new String(stored.data(), StandardCharsets.UTF_8);
            return new Kept(stored.sequence(), Envelope.parsePosition(value));
        });
    }

    private CompletableFuture<Long> writeKept(
            Connection connection,
            HistoryPolicy policy,
            String channel,
            StreamPosition position,
            long expectedRevision) {
        String subject = Subjects.kvSubject(subjects.positionBucket(policy), Subjects.key(channel));
        Headers headers = new Headers()
                .put(Envelope.EXPECTED_LAST_SUBJECT_SEQUENCE, Long.toString(expectedRevision))
                .put(Envelope.NODE, context.node());
        byte[] value = position.toString().getBytes(StandardCharsets.UTF_8);
        return calls.publish(connection, subject, headers, value).thenApply(ack -> ack.getSeqno());
    }

    static boolean isDeleteMarker(JetStreamCalls.Stored stored) {
        Headers headers = stored.headers();
        String operation = headers == null ? null : headers.getFirst(Envelope.KV_OPERATION);
        return operation != null && !operation.equals("PUT");
    }

    /** Raises the bucket's position of the channel to {@code position}; one write at a time per channel. */
    private void keepPosition(Lane lane, HistoryPolicy policy, StreamPosition position) {
        synchronized (lane) {
            lane.positionWanted = position;
            lane.positionPolicy = policy;
            if (lane.writingPosition) {
                return; // the write in flight writes this one next
            }
            lane.writingPosition = true;
        }
        Connection connection = link.connection();
        if (connection == null) {
            positionWritten(lane, null);
            return;
        }
        writeWanted(connection, lane, 1);
    }

    private void writeWanted(Connection connection, Lane lane, int attempt) {
        StreamPosition wanted;
        HistoryPolicy policy;
        long revision;
        synchronized (lane) {
            wanted = lane.positionWanted;
            policy = lane.positionPolicy;
            revision = lane.positionRevision;
        }
        if (wanted == null || policy == null) {
            positionWritten(lane, null);
            return;
        }
        streams.ensure(connection, streams.positions(policy))
                .thenCompose(config -> writeKept(connection, policy, lane.channel, wanted, revision))
                .whenComplete((written, error) -> {
                    if (error == null) {
                        synchronized (lane) {
                            lane.positionRevision = written;
                        }
                        positionWritten(lane, wanted);
                    } else if (JetStreamCalls.errorCode(error) == JetStreamCalls.WRONG_LAST_SEQUENCE
                            && attempt < MAX_ATTEMPTS) {
                        // Someone else wrote it: keep theirs if it is as new, else write over it.
                        readKept(connection, policy, lane.channel).whenComplete((kept, readError) -> {
                            if (readError != null) {
                                positionFailed(lane, readError);
                                return;
                            }
                            synchronized (lane) {
                                lane.positionRevision = kept.revision();
                            }
                            StreamPosition theirs = kept.position();
                            if (theirs != null && theirs.sameEpoch(wanted) && theirs.offset() >= wanted.offset()) {
                                positionWritten(lane, wanted);
                            } else {
                                writeWanted(connection, lane, attempt + 1);
                            }
                        });
                    } else {
                        positionFailed(lane, error);
                    }
                });
    }

    private void positionWritten(Lane lane, @Nullable StreamPosition written) {
        Connection connection;
        synchronized (lane) {
            if (written == null || written.equals(lane.positionWanted)) {
                lane.positionWanted = null;
                lane.writingPosition = false;
                return;
            }
            connection = link.connection();
            if (connection == null) {
                lane.writingPosition = false;
                return;
            }
        }
        writeWanted(connection, lane, 1); // a newer one came meanwhile
    }

    private void positionFailed(Lane lane, Throwable error) {
        synchronized (lane) {
            lane.writingPosition = false;
            lane.positionRevision = 0;
        }
        log.debug("{}: could not keep the position of '{}' yet: {}", context.owner(), lane.channel, error.toString());
    }

    // ---- reading -----------------------------------------------------------------------------------------

    /** See {@code ClusterBroker.history}. */
    CompletableFuture<HistoryPage> read(
            String channel, HistoryPolicy policy, @Nullable StreamPosition since, int limit) {
        String stream = subjects.historyStream(policy);
        String subject = subjects.historySubject(policy, channel);
        return link.upOrFail()
                .thenCompose(connection -> streams.ensure(connection, streams.history(policy))
                        .thenCompose(config -> calls.last(connection, stream, subject))
                        .thenCompose(last -> {
                            if (last == null) {
                                return kept(connection, policy, channel)
                                        .thenApply(kept ->
                                                new HistoryPage(Objects.requireNonNull(kept.position()), List.of()));
                            }
                            StreamPosition latest = storedPosition(last);
                            long after = since != null && since.sameEpoch(latest) ? since.offset() : 0;
                            if (limit <= 0 || after >= latest.offset()) {
                                return CompletableFuture.completedFuture(new HistoryPage(latest, List.of()));
                            }
                            return collect(
                                            connection,
                                            stream,
                                            subject,
                                            1,
                                            last.sequence(),
                                            latest,
                                            after,
                                            limit,
                                            new ArrayList<>())
                                    .thenApply(entries -> new HistoryPage(latest, entries));
                        }))
                .whenComplete((page, error) -> {
                    if (error != null) {
                        forget(policy); // maybe deleted: make sure they exist next time
                    }
                });
    }

    private void forget(HistoryPolicy policy) {
        streams.forget(subjects.historyStream(policy));
        streams.forget(Subjects.kvStream(subjects.positionBucket(policy)));
    }

    /** Reads the subject's messages from {@code sequence} to {@code lastSequence}, one direct get each. */
    private CompletableFuture<List<HistoryEntry>> collect(
            Connection connection,
            String stream,
            String subject,
            long sequence,
            long lastSequence,
            StreamPosition latest,
            long after,
            int limit,
            List<HistoryEntry> entries) {
        return calls.next(connection, stream, subject, sequence).thenCompose(stored -> {
            if (stored == null) {
                return CompletableFuture.completedFuture(entries);
            }
            StreamPosition position = storedPosition(stored);
            if (position.sameEpoch(latest) && position.offset() > after) {
                entries.add(new HistoryEntry(position, stored.data()));
            }
            if (entries.size() >= limit || stored.sequence() >= lastSequence) {
                return CompletableFuture.completedFuture(entries);
            }
            return collect(
                    connection, stream, subject, stored.sequence() + 1, lastSequence, latest, after, limit, entries);
        });
    }
}
