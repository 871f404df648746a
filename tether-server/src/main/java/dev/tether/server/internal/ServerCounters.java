package dev.tether.server.internal;

import dev.tether.server.ServerStats;
import dev.tether.server.SlowConsumerPolicy;
import java.util.concurrent.atomic.LongAdder;

/** The server's event counters, written from any thread without contention, read as {@link ServerStats}. */
final class ServerCounters {
    private final LongAdder published = new LongAdder();
    private final LongAdder unpositioned = new LongAdder();
    private final LongAdder delivered = new LongAdder();
    private final LongAdder slowDisconnects = new LongAdder();
    private final LongAdder droppedNewest = new LongAdder();
    private final LongAdder droppedOldest = new LongAdder();
    private final LongAdder conflated = new LongAdder();
    private final LongAdder refusedSends = new LongAdder();
    private final LongAdder sharedCompressions = new LongAdder();

    /** A publication reached this node's subscribers, queued for {@code deliveries} of them. */
    /** A publication on a channel with history that the broker gave no position. */
    void unpositioned() {
        unpositioned.increment();
    }

    /** More deliveries of a publication already counted (its positioned subscribers, once the broker answered). */
    void delivered(int deliveries) {
        delivered.add(deliveries);
    }

    void published(int deliveries) {
        published.increment();
        delivered.add(deliveries);
    }

    void slowConsumer(SlowConsumerPolicy action) {
        switch (action) {
            case DISCONNECT -> slowDisconnects.increment();
            case DROP_NEWEST -> droppedNewest.increment();
            case DROP_OLDEST -> droppedOldest.increment();
            case CONFLATE -> conflated.increment();
        }
    }

    /** A message was compressed once for the permessage-deflate sessions that share frames. */
    void sharedCompression() {
        sharedCompressions.increment();
    }

    void refusedSend() {
        refusedSends.increment();
    }

    long published() {
        return published.sum();
    }

    long delivered() {
        return delivered.sum();
    }

    long unpositionedCount() {
        return unpositioned.sum();
    }

    long refusedSends() {
        return refusedSends.sum();
    }

    /** How often {@code action} was taken on a slow consumer. */
    long actions(SlowConsumerPolicy action) {
        return switch (action) {
            case DISCONNECT -> slowDisconnects.sum();
            case DROP_NEWEST -> droppedNewest.sum();
            case DROP_OLDEST -> droppedOldest.sum();
            case CONFLATE -> conflated.sum();
        };
    }

    ServerStats stats(int connections, int subscribedChannels, long refusedWorkerTasks) {
        return new ServerStats(
                connections,
                subscribedChannels,
                published.sum(),
                delivered.sum(),
                slowDisconnects.sum(),
                droppedNewest.sum(),
                droppedOldest.sum(),
                conflated.sum(),
                refusedSends.sum(),
                refusedWorkerTasks,
                unpositioned.sum(),
                sharedCompressions.sum());
    }
}
