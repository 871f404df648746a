package dev.tether.server.internal;

import dev.tether.server.InboundRateAction;
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
    private final LongAdder inboundThrottled = new LongAdder();
    private final LongAdder inboundClosed = new LongAdder();
    private final LongAdder refusedByAddressConnections = new LongAdder();
    private final LongAdder refusedByAddressHandshakes = new LongAdder();
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

    /** A session went over its inbound rate and got {@code action}. */
    void inboundRateExceeded(InboundRateAction action) {
        (action == InboundRateAction.CLOSE ? inboundClosed : inboundThrottled).increment();
    }

    long inboundRateExceededCount(InboundRateAction action) {
        return (action == InboundRateAction.CLOSE ? inboundClosed : inboundThrottled).sum();
    }

    /** A request got 429 from a per-address limit: too many connections, or too many handshakes. */
    void refusedByAddress(boolean connections) {
        (connections ? refusedByAddressConnections : refusedByAddressHandshakes).increment();
    }

    long refusedByAddressCount(boolean connections) {
        return (connections ? refusedByAddressConnections : refusedByAddressHandshakes).sum();
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
