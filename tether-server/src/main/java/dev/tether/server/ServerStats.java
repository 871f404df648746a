package dev.tether.server;

/**
 * Counters of a server since it started, ready to export as metrics.
 *
 * @param connections sessions open now (or completing their handshake)
 * @param channels channel names and patterns with at least one subscriber on this node
 * @param published publications made on this server ({@link TetherServer#publish}) or received from the cluster
 * @param delivered channel messages queued for sessions
 * @param slowConsumerDisconnects sessions closed with 1008 by {@link SlowConsumerPolicy#DISCONNECT}
 * @param droppedNewest messages dropped by {@link SlowConsumerPolicy#DROP_NEWEST}
 * @param droppedOldest messages dropped by {@link SlowConsumerPolicy#DROP_OLDEST}
 * @param conflated messages replaced by a newer one by {@link SlowConsumerPolicy#CONFLATE}
 * @param refusedSends {@link Session#send} calls refused because the session's queue was full
 * @param refusedWorkerTasks RPC calls, stream pulls and HTTP requests refused because the workers had
 *     {@code maxPendingWorkerTasks} tasks pending
 * @param unpositioned publications on a channel with history that got no position because the cluster broker failed
 *     (delivered on this node without one, see docs/cluster.md)
 * @param sharedCompressions messages (publications, broadcasts) compressed once for all the permessage-deflate
 *     sessions that take shared frames, per wire format (see docs/channels.md)
 */
public record ServerStats(
        int connections,
        int channels,
        long published,
        long delivered,
        long slowConsumerDisconnects,
        long droppedNewest,
        long droppedOldest,
        long conflated,
        long refusedSends,
        long refusedWorkerTasks,
        long unpositioned,
        long sharedCompressions) {}
