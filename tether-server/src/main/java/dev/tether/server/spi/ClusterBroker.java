package dev.tether.server.spi;

import dev.tether.core.StreamPosition;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * Carries channel publications between the nodes of a cluster, so that a message published on one node reaches
 * the subscribers connected to every node; keeps the history of the channels that have one, and who is present
 * in the channels that track presence.
 *
 * <p>The server delivers its own publications to its local subscribers itself and hands them to the broker for the
 * other nodes; a broker must not hand a node's own publications back to it. Publications are MessagePack-encoded
 * CHANNEL packets; the receiving node passes those bytes on to its MessagePack subscribers as they are and decodes
 * them once to encode JSON for the others.
 *
 * <p>Contract: every method returns at once and never blocks the caller (it may be an I/O thread); publications on
 * one channel from one node reach every other node in the order they were published, and their stages complete in
 * that order; {@link #interest} tells the broker which channel names and patterns this node has subscribers for,
 * so a broker may forward selectively (or ignore it and forward everything), and its stage completes when
 * publications of other nodes on that name are on their way to this node. A broker that fails completes the
 * returned stage exceptionally; the server logs it and its local delivery is unaffected.
 *
 * <p><b>History.</b> A broker that {@link #keepsHistory() keeps history} assigns every publication made with
 * {@link #publish(String, byte[], HistoryPolicy)} its {@link StreamPosition} atomically for the whole cluster
 * (offsets of one channel and epoch without holes or repeats), stores it, trims the history to the policy's size and
 * age, and hands it with its position to every interested node, the publishing node included (this is the one
 * exception to "never back to its own node": the server delivers positioned publications to its subscribers only
 * from there, so that they see one order, the offsets', whichever node published). A broker that does not keep
 * history leaves the server to keep it in the node's memory, which is right only for a single node.
 *
 * <p><b>Presence.</b> Entries are written with {@link #join} and refreshed by calling it again before their time to
 * live runs out; an entry not refreshed expires, so the sessions of a node that died disappear by themselves. Join
 * and leave events go to the other nodes interested in the channel through {@link Inbound#presence}.
 *
 * <p>The default broker, {@link #local()}, has no other nodes. Redis and NATS brokers live in their own modules;
 * {@code tether-testing} has an in-memory broker that joins several servers in one JVM.
 */
public interface ClusterBroker {

    /** Starts the broker; publications from other nodes go to {@code inbound} from then on, on any thread. */
    CompletionStage<Void> start(Inbound inbound);

    /** Sends a publication on {@code channel}, a channel without history, to the other nodes. */
    CompletionStage<Void> publish(String channel, byte[] packet);

    /**
     * This node gained ({@code subscribed = true}) or lost its first/last subscriber of {@code nameOrPattern}
     * (a channel name, or a glob pattern as {@link dev.tether.core.ChannelPattern} reads it).
     */
    CompletionStage<Void> interest(String nameOrPattern, boolean subscribed);

    /** Stops the broker; no publication is delivered after the stage completes. */
    CompletionStage<Void> close();

    /** Whether this broker keeps channel history for the cluster; the server keeps it in memory otherwise. */
    default boolean keepsHistory() {
        return false;
    }

    /**
     * Appends a publication to the history of {@code channel} and hands it with its position to every interested
     * node, this one included ({@link Inbound#deliver(String, byte[], StreamPosition, boolean)}); completes with
     * that position. Stages of one channel complete in the order of the calls.
     */
    default CompletionStage<StreamPosition> publish(String channel, byte[] packet, HistoryPolicy history) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException(this + " keeps no history"));
    }

    /**
     * The publications of {@code channel} after {@code since} (all that are kept when it is {@code null} or of
     * another epoch), oldest first, at most {@code limit}, with the channel's latest position. A channel that never
     * had a publication gets its epoch here, at offset 0, so that a subscriber has a position to recover from.
     */
    default CompletionStage<HistoryPage> history(
            String channel, HistoryPolicy history, @Nullable StreamPosition since, int limit) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException(this + " keeps no history"));
    }

    /** Whether this broker keeps presence for the cluster; the server keeps it in memory otherwise. */
    default boolean keepsPresence() {
        return false;
    }

    /**
     * Adds {@code entry} to the presence of {@code channel}, or refreshes it, for {@code ttl} from now; completes
     * with {@code true} when it is new, and only then tells the other nodes' {@link Inbound#presence}.
     */
    default CompletionStage<Boolean> join(String channel, PresenceEntry entry, Duration ttl) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException(this + " keeps no presence"));
    }

    /**
     * Removes {@code entry}'s session from the presence of {@code channel}; completes with whether it was there,
     * and only then tells the other nodes.
     */
    default CompletionStage<Boolean> leave(String channel, PresenceEntry entry) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException(this + " keeps no presence"));
    }

    /** The entries present in {@code channel} on every node, expired ones left out, in no particular order. */
    default CompletionStage<List<PresenceEntry>> presence(String channel) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException(this + " keeps no presence"));
    }

    /**
     * Whether the broker reaches the rest of the cluster now. While it does not, the server answers 503 at
     * {@code GET /health/ready}, so that a load balancer sends new clients to nodes whose publications reach the
     * others. Called on I/O threads: must return at once, from state the broker already has. The default says yes.
     */
    default boolean isConnected() {
        return true;
    }

    /**
     * Registers the broker's own meters in {@code registry}, e.g. function counters and gauges over its counters,
     * named {@code tether.broker.*}; called once when a server with a registry starts. Returns the meters it
     * registered: the server removes them from the registry when it closes. The default registers none.
     */
    default List<Meter> bindTo(MeterRegistry registry) {
        return List.of();
    }

    /** A broker with no other nodes: publishing reaches only this server's subscribers. */
    static ClusterBroker local() {
        return LocalBroker.INSTANCE;
    }

    /** Where a broker hands publications and presence events from other nodes, on any thread. */
    @FunctionalInterface
    interface Inbound {
        /** A publication on {@code channel} from another node; {@code packet} is its MessagePack encoding. */
        void deliver(String channel, byte[] packet);

        /**
         * A publication on {@code channel} at {@code position} in the channel's history: from another node, or
         * ({@code own = true}) one this node made with {@link #publish(String, byte[], HistoryPolicy)}. A broker
         * hands a node every positioned publication of the channels it is interested in, its own included, in
         * offset order per channel: the one order in which subscribers with positions see them.
         */
        default void deliver(String channel, byte[] packet, StreamPosition position, boolean own) {
            if (!own) {
                deliver(channel, packet);
            }
        }

        /** Someone joined ({@code joined = true}) or left {@code channel} on another node. */
        default void presence(String channel, PresenceEntry entry, boolean joined) {}
    }
}
