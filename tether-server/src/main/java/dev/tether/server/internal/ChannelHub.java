package dev.tether.server.internal;

import dev.tether.core.ChannelPattern;
import dev.tether.core.Packet;
import dev.tether.core.PacketCodec;
import dev.tether.core.PacketSource;
import dev.tether.server.Session;
import dev.tether.server.spi.ClusterBroker;
import io.netty.buffer.ByteBuf;
import java.util.Collection;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletionStage;
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
 */
final class ChannelHub {
    private static final Logger log = LoggerFactory.getLogger(ChannelHub.class);

    private final SubscriptionIndex<DefaultSession> subscriptions = new SubscriptionIndex<>();
    private final ClusterBroker broker;
    private final PacketCodec msgpack;
    private final PacketCodec json;
    private final SessionRegistry registry;
    private final ServerCounters counters;

    ChannelHub(
            ClusterBroker broker,
            PacketCodec msgpack,
            PacketCodec json,
            SessionRegistry registry,
            ServerCounters counters) {
        this.broker = broker;
        this.msgpack = msgpack;
        this.json = json;
        this.registry = registry;
        this.counters = counters;
    }

    /** Starts the broker; publications from other nodes arrive from now on. */
    void start() {
        broker.start(this::fromCluster).whenComplete((ok, error) -> {
            if (error != null) {
                log.error("Cluster broker {} did not start; publications stay on this node", broker, error);
            }
        });
    }

    void close() {
        broker.close().whenComplete((ok, error) -> {
            if (error != null) {
                log.warn("Cluster broker {} did not close cleanly", broker, error);
            }
        });
    }

    /** How many channel names and patterns have subscribers on this node. */
    int subscribedChannels() {
        return subscriptions.size();
    }

    /** {@code session} subscribed to {@code name}; the broker hears of the node's first subscriber. */
    void subscribed(String name, ChannelPattern pattern, DefaultSession session) {
        if (subscriptions.add(name, pattern, session)) {
            tellBroker(name, true);
        }
    }

    /** {@code session} left {@code name}; the broker hears when the node's last subscriber leaves. */
    void unsubscribed(String name, DefaultSession session) {
        if (subscriptions.remove(name, session)) {
            tellBroker(name, false);
        }
    }

    private void tellBroker(String name, boolean subscribed) {
        whenFailed(broker.interest(name, subscribed), (subscribed ? "subscribe to '" : "unsubscribe from '") + name);
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
            // With other nodes, the MessagePack bytes they get are also the ones local subscribers get.
            byte[] encoded = broker == ClusterBroker.local() ? null : msgpack.encode(packet);
            queued += deliverLocally(channel, packet, encoded, exclude, filter);
            if (encoded != null) {
                whenFailed(broker.publish(channel, encoded), "publish on '" + channel);
            }
        }
        return queued;
    }

    /** A publication from another node: decoded once, then delivered like a local one. */
    private void fromCluster(String channel, byte[] bytes) {
        Packet packet = msgpack.decode(bytes);
        if (packet.source() != PacketSource.CHANNEL || !channel.equals(packet.channel())) {
            log.warn(
                    "Cluster broker {} delivered something that is not a publication on '{}'; dropped",
                    broker,
                    channel);
            return;
        }
        deliverLocally(channel, packet, bytes, Set.of(), session -> true); // its bytes go out as they came
    }

    private int deliverLocally(
            String channel,
            Packet packet,
            byte @Nullable [] msgpackEncoding,
            Collection<? extends Session> exclude,
            Predicate<? super Session> filter) {
        SharedEncoding encoding = new SharedEncoding(packet, msgpack, json, msgpackEncoding);
        Fanout fanout = new Fanout(channel, encoding, exclude, filter);
        try {
            subscriptions.forEachSubscriber(channel, fanout);
        } finally {
            encoding.release();
        }
        counters.published(fanout.queued);
        return fanout.queued;
    }

    /** See {@link dev.tether.server.TetherServer#broadcast(Object, Collection, Predicate)}. */
    int broadcast(@Nullable Object data, Collection<? extends Session> exclude, Predicate<? super Session> filter) {
        Packet packet = data instanceof Packet p ? p : Packet.broadcast(data);
        SharedEncoding encoding = new SharedEncoding(packet, msgpack, json, null);
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
    private static final class Fanout implements BiConsumer<DefaultSession, String> {
        private final String channel;
        private final SharedEncoding encoding;
        private final Collection<? extends Session> exclude;
        private final Predicate<? super Session> filter;
        int queued;

        Fanout(
                String channel,
                SharedEncoding encoding,
                Collection<? extends Session> exclude,
                Predicate<? super Session> filter) {
            this.channel = Objects.requireNonNull(channel);
            this.encoding = encoding;
            this.exclude = exclude;
            this.filter = filter;
        }

        @Override
        public void accept(DefaultSession session, String subscription) {
            if (!wanted(session, exclude, filter)) {
                return;
            }
            boolean framed = encoding.framedFor(session);
            ByteBuf view = encoding.viewFor(session, framed);
            if (session.writer().deliver(view, framed, channel, session.policyOf(subscription))) {
                queued++;
            }
        }
    }
}
