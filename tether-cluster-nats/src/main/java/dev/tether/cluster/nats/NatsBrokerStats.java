package dev.tether.cluster.nats;

/**
 * Counters of a {@link NatsBroker} since it started, ready to export as metrics.
 *
 * @param connected whether the connection to NATS is up now
 * @param reconnects how many times the connection came back after it was lost
 * @param published publications and presence events sent to NATS (a history publication once it is stored)
 * @param received publications and presence events from other nodes handed to the server
 * @param held publications waiting now: held while NATS is unreachable, or queued for their place in a channel's
 *     history; at most {@link NatsBroker#maxPendingPublications()}
 * @param dropped publications refused because {@code held} was at its bound, or dropped by a full jnats queue
 * @param historyConflicts history appends tried again because another node stored that offset first
 */
public record NatsBrokerStats(
        boolean connected,
        long reconnects,
        long published,
        long received,
        long held,
        long dropped,
        long historyConflicts) {}
