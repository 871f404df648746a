package dev.tether.cluster.nats.internal;

import dev.tether.cluster.nats.NatsBrokerStats;
import dev.tether.core.ChannelPattern;
import dev.tether.core.StreamPosition;
import dev.tether.core.TetherException;
import dev.tether.server.spi.ClusterBroker.Inbound;
import dev.tether.server.spi.HistoryPage;
import dev.tether.server.spi.HistoryPolicy;
import dev.tether.server.spi.MemoryHistory;
import dev.tether.server.spi.PresenceEntry;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.impl.Headers;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@code NatsBroker} does: one jnats connection, the subscriptions of this node's interests, the outbox that
 * holds publications through an outage, and the JetStream history and presence stores. Every method returns at
 * once; work continues on jnats' threads (its reply and dispatcher threads, and its single event thread).
 */
public final class NatsEngine implements Link.Listener {
    private static final Logger log = LoggerFactory.getLogger(NatsEngine.class);
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);
    /** jnats' queue of messages to write; a full one drops (counted) rather than blocking the caller. */
    private static final int MIN_OUTGOING_QUEUE = 65_536;

    private final String owner;
    private final String url;
    private final String node = MemoryHistory.newEpoch();
    private final Duration requestTimeout;
    private final Subjects subjects;
    private final Counters counters = new Counters();
    private final Backlog backlog;
    private final Link link;
    private final Outbox outbox;
    private final Interests interests;
    private final HistoryLogs history;
    private final PresenceStore presence;
    private final Options options;
    private final PositionOrder order = new PositionOrder(this::deliverInOrder);
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CompletableFuture<Void> closing = new CompletableFuture<>();
    private volatile @Nullable Inbound inbound;

    /**
     * A broker that is not connected yet.
     *
     * @param owner how logs and errors name the broker
     * @throws IllegalArgumentException if {@code url} is not a NATS URL (list)
     */
    public NatsEngine(
            String owner,
            String url,
            String prefix,
            int maxPendingPublications,
            Duration requestTimeout,
            int replicas,
            Consumer<Options.Builder> natsOptions) {
        this.owner = owner;
        this.url = url;
        this.requestTimeout = requestTimeout;
        this.subjects = new Subjects(prefix);
        this.backlog = new Backlog(maxPendingPublications, owner, counters);
        this.link = new Link(owner, url, counters, this);
        this.outbox = new Outbox(link, backlog, counters, owner);
        this.interests = new Interests(subjects, this::receive);
        JetStreamCalls calls = new JetStreamCalls(requestTimeout);
        Streams streams = new Streams(subjects, calls, replicas, owner);
        Context context = new Context(owner, node, subjects, calls, streams, link, outbox, counters);
        this.history = new HistoryLogs(context, backlog);
        this.presence = new PresenceStore(context, Clock.systemUTC());
        Options.Builder builder = new Options.Builder().server(url);
        natsOptions.accept(builder);
        this.options = builder.connectionName("tether-" + prefix + "-" + node)
                .noEcho() // a node never hears its own publications
                .maxReconnects(-1) // forever
                .reconnectBufferSize(0) // while down, the Outbox holds, counts and bounds
                .maxMessagesInOutgoingQueue(Math.max(MIN_OUTGOING_QUEUE, 2 * maxPendingPublications))
                .discardMessagesWhenOutgoingQueueFull()
                .reportNoResponders()
                .useTimeoutException()
                .requestCleanupInterval(requestTimeout)
                .connectionListener(link)
                .errorListener(link)
                .build();
    }

    public CompletableFuture<Void> start(Inbound inbound) {
        if (!started.compareAndSet(false, true)) {
            return CompletableFuture.failedFuture(new IllegalStateException(owner + " is already started"));
        }
        this.inbound = inbound;
        try {
            Nats.connectAsynchronously(options, true); // starts jnats' connecting thread, which retries forever
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CompletableFuture.failedFuture(new TetherException(owner + ": interrupted while starting", e));
        }
        return link.firstUp();
    }

    // ---- Link.Listener, on jnats' event thread ------------------------------------------------------------

    @Override
    public void up(Connection connection, boolean first) {
        if (first) {
            interests.attach(connection.createDispatcher());
        }
        backlog.rearm();
        outbox.flush(connection);
    }

    @Override
    public void down() {
        outbox.hold();
    }

    // ---- publications ----------------------------------------------------------------------------------------

    public CompletableFuture<Void> publish(String channel, byte[] packet) {
        if (closed.get()) {
            return closedFailure();
        }
        Message message = Envelope.publication(subjects.channel(channel), node, packet, null);
        return history.afterAppends(channel, () -> outbox.send(message, true, channel));
    }

    public CompletableFuture<Void> interest(String nameOrPattern, boolean subscribed) {
        if (closed.get()) {
            return closedFailure();
        }
        try {
            ChannelPattern.compile(nameOrPattern);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
        if (!subscribed) {
            interests.remove(nameOrPattern);
            return DONE;
        }
        interests.add(nameOrPattern);
        return fence();
    }

    /**
     * Completes when NATS has processed everything this node sent so far, subscriptions included: a request to a
     * subject nobody serves, which NATS answers "no responders" in order.
     */
    private CompletableFuture<Void> fence() {
        return link.whenUp().thenCompose(connection -> {
            CompletableFuture<Message> reply;
            try {
                reply = connection.requestWithTimeout(subjects.fence(node), null, requestTimeout);
            } catch (IllegalStateException reconnecting) {
                link.markDown(connection);
                return fence();
            }
            return reply.handle((answer, error) -> {
                Throwable cause = error == null ? null : JetStreamCalls.unwrap(error);
                if (cause instanceof TimeoutException || cause instanceof CancellationException) {
                    throw new CompletionException(
                            new TetherException(owner + ": NATS did not answer within " + requestTimeout, cause));
                }
                return null; // an answer, or "no responders": either way, NATS is past the subscription
            });
        });
    }

    /** A message from another node, on jnats' dispatcher thread: hand it straight to the server. */
    private void receive(Interests.Sub sub, Message message) {
        Inbound target = inbound;
        if (target == null || closed.get()) {
            return;
        }
        String channel = subjects.channelOf(message.getSubject());
        if (channel == null) {
            log.warn("{}: ignored a message on {}, which names no channel", owner, message.getSubject());
            return;
        }
        if (!interests.accepts(sub, message.getSubject(), channel) || node.equals(Envelope.node(message))) {
            return;
        }
        Headers headers = message.getHeaders();
        String kind = headers == null ? null : headers.getFirst(Envelope.KIND);
        byte[] data = message.getData() == null ? new byte[0] : message.getData();
        try {
            if (kind == null || kind.equals(Envelope.PUBLICATION)) {
                StreamPosition position = Envelope.position(headers);
                counters.received.increment(); // before: whoever sees the delivery sees it counted
                if (position == null) {
                    target.deliver(channel, data);
                } else {
                    order.arrive(channel, data, position, false);
                }
            } else if (kind.equals(Envelope.JOIN) || kind.equals(Envelope.LEAVE)) {
                String session = headers == null ? null : headers.getFirst(Envelope.SESSION);
                if (session == null) {
                    throw new IllegalArgumentException("no " + Envelope.SESSION + " header");
                }
                counters.received.increment();
                target.presence(channel, new PresenceEntry(session, data), kind.equals(Envelope.JOIN));
            } else {
                log.debug("{}: ignored a message of kind '{}' on '{}'", owner, kind, channel);
            }
        } catch (IllegalArgumentException malformed) {
            log.warn("{}: ignored a malformed message on '{}': {}", owner, channel, malformed.getMessage());
        } catch (RuntimeException e) {
            log.warn("{}: the server failed to take a message on '{}'", owner, channel, e);
        }
    }

    // ---- history and presence ----------------------------------------------------------------------------

    public CompletableFuture<StreamPosition> publish(String channel, byte[] packet, HistoryPolicy policy) {
        if (closed.get()) {
            return closedFailure();
        }
        // Once stored, the publication comes back to this node too, in offset order with the other nodes'.
        return history.append(channel, packet, policy).whenComplete((position, error) -> {
            if (error == null && interests.wants(channel)) {
                order.arrive(channel, packet, position, true);
            }
        });
    }

    /** A positioned publication, in offset order: to the server, unless closed. */
    private void deliverInOrder(String channel, byte[] packet, StreamPosition position, boolean own) {
        Inbound target = inbound;
        if (target != null && !closed.get()) {
            try {
                target.deliver(channel, packet, position, own);
            } catch (RuntimeException e) {
                log.warn("{}: the server failed to take a publication on '{}'", owner, channel, e);
            }
        }
    }

    public CompletableFuture<HistoryPage> history(
            String channel, HistoryPolicy policy, @Nullable StreamPosition since, int limit) {
        return closed.get() ? closedFailure() : history.read(channel, policy, since, limit);
    }

    public CompletableFuture<Boolean> join(String channel, PresenceEntry entry, Duration ttl) {
        if (ttl.isNegative() || ttl.isZero()) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("ttl: " + ttl + " (expected: > 0)"));
        }
        return closed.get() ? closedFailure() : presence.join(channel, entry, ttl);
    }

    public CompletableFuture<Boolean> leave(String channel, PresenceEntry entry) {
        return closed.get() ? closedFailure() : presence.leave(channel, entry);
    }

    public CompletableFuture<List<PresenceEntry>> presence(String channel) {
        return closed.get() ? closedFailure() : presence.presence(channel);
    }

    // ---- lifecycle ---------------------------------------------------------------------------------------

    public CompletableFuture<Void> close() {
        if (!closed.compareAndSet(false, true)) {
            return closing;
        }
        inbound = null;
        order.close();
        interests.clear();
        outbox.close();
        Connection connection = link.close();
        if (connection == null) {
            closing.complete(null); // jnats may still be trying: the Link closes what it makes later
        } else {
            CompletableFuture.runAsync(() -> Link.closeQuietly(connection), Link.closer())
                    .whenComplete((ok, error) -> closing.complete(null));
        }
        return closing;
    }

    public NatsBrokerStats stats() {
        return new NatsBrokerStats(
                link.isUp(),
                counters.reconnects.sum(),
                counters.published.sum(),
                counters.received.sum(),
                backlog.size(),
                counters.dropped.sum(),
                counters.historyConflicts.sum());
    }

    /** This node's id, in the {@code Tether-Node} header of what it sends. */
    public String node() {
        return node;
    }

    private <T> CompletableFuture<T> closedFailure() {
        return CompletableFuture.failedFuture(new TetherException(owner + " is closed"));
    }

    @Override
    public String toString() {
        return owner + " at " + url;
    }
}
