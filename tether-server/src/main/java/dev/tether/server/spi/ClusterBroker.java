package dev.tether.server.spi;

import java.util.concurrent.CompletionStage;

/**
 * Carries channel publications between the nodes of a cluster, so that a message published on one node reaches
 * the subscribers connected to every node.
 *
 * <p>The server delivers its own publications to its local subscribers itself and hands them to the broker for the
 * other nodes; a broker must not hand a node's own publications back to it. Publications are MessagePack-encoded
 * CHANNEL packets; the receiving node passes those bytes on to its MessagePack subscribers as they are and decodes
 * them once to encode JSON for the others.
 *
 * <p>Contract: every method returns at once and never blocks the caller (it may be an I/O thread); publications on
 * one channel from one node reach every other node in the order they were published; {@link #interest} tells the
 * broker which channel names and patterns this node has subscribers for, so a broker may forward selectively (or
 * ignore it and forward everything). A broker that fails completes the returned stage exceptionally; the server
 * logs it and its local delivery is unaffected.
 *
 * <p>The default broker, {@link #local()}, has no other nodes. Redis and NATS brokers live in their own modules;
 * {@code tether-testing} has an in-memory broker that joins several servers in one JVM.
 */
public interface ClusterBroker {

    /** Starts the broker; publications from other nodes go to {@code inbound} from then on, on any thread. */
    CompletionStage<Void> start(Inbound inbound);

    /** Sends a publication on {@code channel} to the other nodes. */
    CompletionStage<Void> publish(String channel, byte[] packet);

    /**
     * This node gained ({@code subscribed = true}) or lost its first/last subscriber of {@code nameOrPattern}
     * (a channel name, or a glob pattern as {@link dev.tether.core.ChannelPattern} reads it).
     */
    CompletionStage<Void> interest(String nameOrPattern, boolean subscribed);

    /** Stops the broker; no publication is delivered after the stage completes. */
    CompletionStage<Void> close();

    /** A broker with no other nodes: publishing reaches only this server's subscribers. */
    static ClusterBroker local() {
        return LocalBroker.INSTANCE;
    }

    /** Where a broker hands publications from other nodes. */
    @FunctionalInterface
    interface Inbound {
        /** A publication on {@code channel} from another node; {@code packet} is its MessagePack encoding. */
        void deliver(String channel, byte[] packet);
    }
}
