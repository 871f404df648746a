package dev.tether.server.internal;

import dev.tether.core.ChannelPattern;
import dev.tether.core.Packet;
import dev.tether.core.PacketCodec;
import dev.tether.core.PacketSource;
import dev.tether.core.StreamPosition;
import dev.tether.server.PresenceMember;
import dev.tether.server.Session;
import dev.tether.server.spi.ClusterBroker;
import dev.tether.server.spi.HistoryEntry;
import dev.tether.server.spi.HistoryPage;
import dev.tether.server.spi.HistoryPolicy;
import dev.tether.server.spi.MemoryHistory;
import dev.tether.server.spi.PresenceEntry;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Channels and broadcast: the one place a publication is encoded and handed out. It indexes which sessions
 * subscribe to which names and patterns, encodes each publication once per wire format ({@link SharedEncoding}),
 * queues it for the local subscribers with their slow-consumer policy, and gives the same MessagePack bytes to the
 * {@link ClusterBroker} for the other nodes; what other nodes publish comes back through here too. A broadcast goes
 * the same way to every open webshocket session.
 *
 * <p>Channels with a history ({@link ChannelRules}) give every publication a position: from the broker when it keeps
 * history (then subscribers of Tether's extension get the publication once the broker answered, the others at
 * once), else from this node's {@link MemoryHistory} (everyone at once, in offset order). Subscriptions of the
 * extension recover from the history ({@link #subscribeExtended}); presence is the {@link PresenceTracker}'s.
 */
final class ChannelHub {
    private static final Logger log = LoggerFactory.getLogger(ChannelHub.class);
    private static final long LOG_EVERY_NANOS = 10_000_000_000L;
    private static final CompletableFuture<Void> READY = CompletableFuture.completedFuture(null);
    private static final long BROKER_START_WAIT_SECONDS = 10;
    /**
     * The most packet bytes of missed publications one recovery answer carries: half a client's default
     * {@code maxMessageBytes} (1 MiB), so the answer always fits one message. Past it the answer is
     * {@code recovered: false} and the client reloads.
     */
    static final int MAX_RECOVERY_BYTES = 512 * 1024;

    /** Which subscribers a fan-out reaches: everyone, or only those without positions, or only those with. */
    private enum Reach {
        ALL,
        PLAIN,
        POSITIONED
    }

    private final SubscriptionIndex<DefaultSession> subscriptions = new SubscriptionIndex<>();
    private final ClusterBroker broker;
    private final PacketCodec msgpack;
    private final PacketCodec json;
    private final SessionRegistry registry;
    private final ServerCounters counters;
    private final SharedDeflater deflater;
    private final ChannelRules rules;
    private final @Nullable MemoryHistory memoryHistory;
    private final PresenceTracker presence;
    /** Per channel name with subscribers here: completes when the broker forwards the name's publications here. */
    private final Map<String, CompletableFuture<Void>> interestReady = new ConcurrentHashMap<>();

    private final AtomicLong lastPositionFailureLog = new AtomicLong(System.nanoTime() - LOG_EVERY_NANOS);

    ChannelHub(
            ClusterBroker broker,
            PacketCodec msgpack,
            PacketCodec json,
            SessionRegistry registry,
            ServerCounters counters,
            SharedDeflater deflater,
            ChannelRules rules,
            PresenceTracker.Settings presenceSettings) {
        this.broker = broker;
        this.msgpack = msgpack;
        this.json = json;
        this.registry = registry;
        this.counters = counters;
        this.deflater = deflater;
        this.rules = rules;
        this.memoryHistory = broker.keepsHistory() || !rules.anyHistory() ? null : new MemoryHistory();
        this.presence = new PresenceTracker(broker, msgpack, presenceSettings, this::presenceEvent);
    }

    /**
     * Starts the broker and waits, at most 10 s, until it is connected; publications from other nodes arrive from now
     * on. Runs on the thread that starts the server.
     */
    void start() {
        if (memoryHistory != null && broker != ClusterBroker.local()) {
            log.warn(
                    "Cluster broker {} keeps no history: each node numbers its channels' publications on its own, so"
                            + " a client that reconnects to another node cannot recover",
                    broker);
        }
        CompletableFuture<Void> started = broker.start(new FromCluster())
                .whenComplete((ok, error) -> {
                    if (error != null) {
                        log.error("Cluster broker {} did not start; publications stay on this node", broker, error);
                    }
                })
                .toCompletableFuture();
        if (broker != ClusterBroker.local()) {
            // The first subscribers and presence entries should reach the broker: wait for it, but not forever.
            try {
                started.get(BROKER_START_WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                log.warn(
                        "Cluster broker {} is not connected after {} s; this node serves its own subscribers"
                                + " meanwhile, and the broker keeps trying",
                        broker,
                        BROKER_START_WAIT_SECONDS);
            } catch (ExecutionException e) {
                // logged above
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (rules.anyPresence()) {
            presence.start();
        }
    }

    /** Leaves this node's presence entries, then closes the broker. */
    void close() {
        presence.close()
                .whenComplete((ignored, e) -> broker.close().whenComplete((ok, error) -> {
                    if (error != null) {
                        log.warn("Cluster broker {} did not close cleanly", broker, error);
                    }
                }));
    }

    /** How many channel names and patterns have subscribers on this node. */
    int subscribedChannels() {
        return subscriptions.size();
    }

    /** {@code session} subscribed to {@code name}; the broker hears of the node's first subscriber. */
    void subscribed(String name, ChannelPattern pattern, DefaultSession session) {
        if (subscriptions.add(name, pattern, session)) {
            CompletableFuture<Void> ready = new CompletableFuture<>();
            interestReady.put(name, ready);
            broker.interest(name, true).whenComplete((ok, error) -> {
                if (error != null) {
                    log.warn("Cluster broker {} failed to subscribe to '{}'", broker, name, error);
                }
                ready.complete(null); // recovery goes on either way; a failed broker delivers nothing
            });
        }
        if (pattern.isLiteral() && rules.tracksPresence(name)) {
            presence.joined(name, session);
        }
    }

    /** {@code session} left {@code name}; the broker hears when the node's last subscriber leaves. */
    void unsubscribed(String name, DefaultSession session) {
        if (subscriptions.remove(name, session)) {
            interestReady.remove(name);
            whenFailed(broker.interest(name, false), "unsubscribe from '" + name);
        }
        if (rules.tracksPresence(name)) {
            presence.left(name, session);
        }
    }

    private void whenFailed(CompletionStage<?> stage, String what) {
        stage.whenComplete((ok, error) -> {
            if (error != null) {
                log.warn("Cluster broker {} failed to {}'", broker, what, error);
            }
        });
    }

    /** See {@link dev.tether.server.TetherServer#publish(Collection, Object, Collection, Predicate)}. */
    int publish(
            Collection<String> channels,
            @Nullable Object data,
            Collection<? extends Session> exclude,
            Predicate<? super Session> filter) {
        for (String channel : channels) {
            if (channel.isEmpty() || ChannelPattern.isPattern(channel)) {
                throw new IllegalArgumentException(
                        "channel: '" + channel + "' (expected: a channel name without * ? [ ])");
            }
        }
        int queued = 0;
        for (String channel : channels) {
            Packet packet = Packet.channel(channel, data);
            HistoryPolicy history = rules.historyOf(channel);
            if (history != null) {
                queued += publishWithHistory(channel, packet, history, exclude, filter);
                continue;
            }
            // With other nodes, the MessagePack bytes they get are also the ones local subscribers get.
            byte[] encoded = broker == ClusterBroker.local() ? null : msgpack.encode(packet);
            queued += deliverLocally(channel, packet, encoded, exclude, filter, Reach.ALL, null);
            if (encoded != null) {
                whenFailed(broker.publish(channel, encoded), "publish on '" + channel);
            }
        }
        return queued;
    }

    private int publishWithHistory(
            String channel,
            Packet packet,
            HistoryPolicy history,
            Collection<? extends Session> exclude,
            Predicate<? super Session> filter) {
        byte[] encoded = msgpack.encode(packet);
        MemoryHistory memory = memoryHistory;
        if (memory != null) {
            int[] queued = {0};
            memory.append(
                    channel,
                    encoded,
                    history,
                    position ->
                            queued[0] = deliverLocally(channel, packet, encoded, exclude, filter, Reach.ALL, position));
            if (broker != ClusterBroker.local()) {
                whenFailed(broker.publish(channel, encoded), "publish on '" + channel);
            }
            return queued[0];
        }
        // Subscribers without positions get it at once; those with positions when the broker hands it back in offset
        // order with the other nodes' (FromCluster), or at once without a position if the broker fails.
        int queued = deliverLocally(channel, packet, encoded, exclude, filter, Reach.PLAIN, null);
        broker.publish(channel, encoded, history).whenComplete((position, error) -> {
            if (error != null) {
                positionFailed(channel, error);
                deliverLocally(channel, packet, encoded, exclude, filter, Reach.POSITIONED, null);
            }
        });
        return queued;
    }

    private void positionFailed(String channel, Throwable error) {
        counters.unpositioned();
        long now = System.nanoTime();
        long last = lastPositionFailureLog.get();
        if (now - last >= LOG_EVERY_NANOS && lastPositionFailureLog.compareAndSet(last, now)) {
            log.warn(
                    "Cluster broker {} gave no position to a publication on '{}' ({}); it is delivered here without"
                            + " one, and not to other nodes (logged at most every 10 s; counted in stats)",
                    broker,
                    channel,
                    String.valueOf(error));
        }
    }

    /** Where the broker hands publications and presence events of other nodes. */
    private final class FromCluster implements ClusterBroker.Inbound {
        @Override
        public void deliver(String channel, byte[] packet) {
            fromCluster(channel, packet, null, Reach.ALL);
        }

        @Override
        public void deliver(String channel, byte[] packet, StreamPosition position, boolean own) {
            fromCluster(channel, packet, position, own ? Reach.POSITIONED : Reach.ALL);
        }

        @Override
        public void presence(String channel, PresenceEntry entry, boolean joined) {
            presenceEvent(channel, entry, joined);
        }
    }

    /**
     * A publication from the broker, decoded once, then delivered like a local one: from another node to everyone,
     * or this node's own positioned publication to the subscribers with positions (the others had it at once).
     */
    private void fromCluster(String channel, byte[] bytes, @Nullable StreamPosition position, Reach reach) {
        Packet packet = msgpack.decode(bytes);
        if (packet.source() != PacketSource.CHANNEL || !channel.equals(packet.channel())) {
            log.warn(
                    "Cluster broker {} delivered something that is not a publication on '{}'; dropped",
                    broker,
                    channel);
            return;
        }
        // its bytes go out as they came
        deliverLocally(channel, packet, bytes, Set.of(), session -> true, reach, position);
    }

    private int deliverLocally(
            String channel,
            Packet packet,
            byte @Nullable [] msgpackEncoding,
            Collection<? extends Session> exclude,
            Predicate<? super Session> filter,
            Reach reach,
            @Nullable StreamPosition position) {
        Fanout fanout = new Fanout(channel, packet, msgpackEncoding, exclude, filter, reach, position);
        try {
            subscriptions.forEachSubscriber(channel, fanout);
        } finally {
            fanout.release();
        }
        if (reach == Reach.POSITIONED) {
            counters.delivered(fanout.queued);
        } else {
            counters.published(fanout.queued);
        }
        return fanout.queued;
    }

    // ---- Tether's extension: positions, recovery, presence ------------------------------------------------

    /** The reply of {@link #subscribeExtended} at the session's subscription limit. */
    private static Map<String, @Nullable Object> notSubscribed() {
        Map<String, @Nullable Object> reply = new LinkedHashMap<>();
        reply.put("subscribed", false);
        return reply;
    }

    /**
     * Subscribes {@code session} to the channel {@code name} for a client of Tether's extension and completes with
     * the reply of the {@code subscribe} method (docs/protocol.md): with positions, publications are held from the
     * moment of subscribing until the history is read, and those the reply does not hold follow it in order.
     */
    CompletionStage<Map<String, @Nullable Object>> subscribeExtended(
            DefaultSession session, String name, boolean positions, @Nullable StreamPosition since, boolean joinLeave) {
        HistoryPolicy history = rules.historyOf(name);
        boolean positioned = (positions || since != null) && history != null;
        ExtendedSubscription extension = new ExtendedSubscription(positioned, joinLeave);
        if (!session.subscribeExtended(name, extension)) {
            return CompletableFuture.completedFuture(notSubscribed());
        }
        Map<String, @Nullable Object> reply = new LinkedHashMap<>();
        reply.put("subscribed", true);
        reply.put("recoverable", history != null);
        if (!positioned || history == null) {
            reply.put("epoch", null);
            reply.put("offset", null);
            if (since != null) {
                reply.put("recovered", false);
                reply.put("publications", List.of());
            }
            return CompletableFuture.completedFuture(reply);
        }
        int limit = since == null ? 0 : history.size();
        return interestReady
                .getOrDefault(name, READY)
                .thenCompose(ready -> readHistory(name, history, since, limit))
                .handle((page, error) -> {
                    if (error != null) {
                        log.warn("History of '{}' could not be read from {}", name, broker, error);
                        extension.goLive(session, null, name, session.policyOf(name));
                        reply.put("epoch", null);
                        reply.put("offset", null);
                        if (since != null) {
                            reply.put("recovered", false);
                            reply.put("publications", List.of());
                        }
                        return reply;
                    }
                    StreamPosition latest = page.latest();
                    reply.put("epoch", latest.epoch());
                    reply.put("offset", latest.offset());
                    if (since != null) {
                        boolean recovered = recovered(since, page) && bytesOf(page) <= MAX_RECOVERY_BYTES;
                        reply.put("recovered", recovered);
                        reply.put("publications", recovered ? publications(page) : List.of());
                    }
                    extension.goLive(session, latest, name, session.policyOf(name));
                    return reply;
                });
    }

    private CompletionStage<HistoryPage> readHistory(
            String name, HistoryPolicy history, @Nullable StreamPosition since, int limit) {
        MemoryHistory memory = memoryHistory;
        if (memory != null) {
            return CompletableFuture.completedFuture(memory.read(name, history, since, limit));
        }
        return broker.history(name, history, since, limit);
    }

    /** Whether {@code page} holds every publication after {@code since}, without a hole. */
    static boolean recovered(StreamPosition since, HistoryPage page) {
        StreamPosition latest = page.latest();
        if (!since.sameEpoch(latest) || since.offset() > latest.offset()) {
            return false;
        }
        long expected = since.offset() + 1;
        for (HistoryEntry entry : page.publications()) {
            if (entry.position().offset() != expected) {
                return false;
            }
            expected++;
        }
        return expected - 1 == latest.offset();
    }

    private static long bytesOf(HistoryPage page) {
        long bytes = 0;
        for (HistoryEntry entry : page.publications()) {
            bytes += entry.packet().length;
        }
        return bytes;
    }

    private List<Map<String, @Nullable Object>> publications(HistoryPage page) {
        List<Map<String, @Nullable Object>> list =
                new ArrayList<>(page.publications().size());
        for (HistoryEntry entry : page.publications()) {
            Packet packet = msgpack.decode(entry.packet());
            Map<String, @Nullable Object> item = new LinkedHashMap<>();
            item.put("offset", entry.position().offset());
            item.put("data", packet.data());
            item.put("timestamp", packet.timestamp());
            item.put("correlation_id", packet.correlationId());
            list.add(item);
        }
        return list;
    }

    /** Whether {@code name} tracks presence. */
    boolean tracksPresence(String name) {
        return rules.tracksPresence(name);
    }

    /** Who is present in {@code channel} on every node. */
    CompletionStage<List<PresenceMember>> presence(String channel) {
        return presence.members(channel);
    }

    /** Someone joined or left {@code channel}, here or on another node: tells the subscribers that asked. */
    private void presenceEvent(String channel, PresenceEntry entry, boolean joined) {
        Map<String, @Nullable Object> who = new LinkedHashMap<>();
        who.put("session", entry.session());
        who.put("info", presence.info(entry));
        Map<String, Object> extension = Map.of(joined ? "join" : "leave", who);
        Packet packet = new Packet(PacketSource.CHANNEL, null, null, channel, null, null, extension);
        SharedEncoding encoding = new SharedEncoding(packet, msgpack, json, deflater, null);
        try {
            subscriptions.forEachSubscriber(channel, (session, subscription) -> {
                ExtendedSubscription ext = session.extensionOf(subscription);
                if (ext != null && ext.joinLeave && session.isOpen()) {
                    boolean framed = encoding.framedFor(session);
                    session.writer().sendShared(encoding.viewFor(session, framed), framed);
                }
            });
        } finally {
            encoding.release();
        }
    }

    // ---- broadcast -----------------------------------------------------------------------------------------

    /** See {@link dev.tether.server.TetherServer#broadcast(Object, Collection, Predicate)}. */
    int broadcast(@Nullable Object data, Collection<? extends Session> exclude, Predicate<? super Session> filter) {
        Packet packet = data instanceof Packet p ? p : Packet.broadcast(data);
        SharedEncoding encoding = new SharedEncoding(packet, msgpack, json, deflater, null);
        int queued = 0;
        try {
            for (DefaultSession session : registry.webshocketSessions()) {
                if (wanted(session, exclude, filter)) {
                    boolean framed = encoding.framedFor(session);
                    if (session.writer().sendShared(encoding.viewFor(session, framed), framed)) {
                        queued++;
                    }
                }
            }
        } finally {
            encoding.release();
        }
        return queued;
    }

    private static boolean wanted(
            DefaultSession session, Collection<? extends Session> exclude, Predicate<? super Session> filter) {
        return session.isOpen() && (exclude.isEmpty() || !exclude.contains(session)) && filter.test(session);
    }

    /** One publication's delivery to the subscribers of one channel. */
    private final class Fanout implements BiConsumer<DefaultSession, String> {
        private final String channel;
        private final Packet packet;
        private final SharedEncoding encoding;
        private final Collection<? extends Session> exclude;
        private final Predicate<? super Session> filter;
        private final Reach reach;
        private final @Nullable StreamPosition position;
        private @Nullable Packet positionedPacket;
        private @Nullable SharedEncoding positionedEncoding;
        int queued;

        Fanout(
                String channel,
                Packet packet,
                byte @Nullable [] msgpackEncoding,
                Collection<? extends Session> exclude,
                Predicate<? super Session> filter,
                Reach reach,
                @Nullable StreamPosition position) {
            this.channel = Objects.requireNonNull(channel);
            this.packet = packet;
            this.encoding = new SharedEncoding(packet, msgpack, json, deflater, msgpackEncoding);
            this.exclude = exclude;
            this.filter = filter;
            this.reach = reach;
            this.position = position;
        }

        @Override
        public void accept(DefaultSession session, String subscription) {
            if (!wanted(session, exclude, filter)) {
                return;
            }
            ExtendedSubscription ext = session.extensionOf(subscription);
            if (ext != null && ext.positions) {
                if (reach != Reach.PLAIN
                        && ext.publication(
                                session,
                                positionedEncoding(),
                                positionedPacket(),
                                position,
                                channel,
                                session.policyOf(subscription))) {
                    queued++;
                }
                return;
            }
            if (reach == Reach.POSITIONED) {
                return;
            }
            boolean framed = encoding.framedFor(session);
            ByteBuf view = encoding.viewFor(session, framed);
            if (session.writer().deliver(view, framed, channel, session.policyOf(subscription))) {
                queued++;
            }
        }

        private Packet positionedPacket() {
            Packet p = positionedPacket;
            if (p == null) {
                StreamPosition at = position;
                if (at == null) {
                    p = packet;
                } else {
                    Map<String, Object> extension = new LinkedHashMap<>();
                    extension.put("offset", at.offset());
                    extension.put("epoch", at.epoch());
                    p = packet.withExtension(extension);
                }
                positionedPacket = p;
            }
            return p;
        }

        private SharedEncoding positionedEncoding() {
            if (position == null) {
                return encoding;
            }
            SharedEncoding e = positionedEncoding;
            if (e == null) {
                e = new SharedEncoding(positionedPacket(), msgpack, json, deflater, null);
                positionedEncoding = e;
            }
            return e;
        }

        void release() {
            encoding.release();
            SharedEncoding e = positionedEncoding;
            if (e != null) {
                e.release();
            }
        }
    }
}
