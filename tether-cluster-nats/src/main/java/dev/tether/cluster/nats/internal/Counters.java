package dev.tether.cluster.nats.internal;

import java.util.concurrent.atomic.LongAdder;

/** What a broker counts for {@code NatsBroker.stats()}. */
final class Counters {
    final LongAdder published = new LongAdder();
    final LongAdder received = new LongAdder();
    final LongAdder dropped = new LongAdder();
    final LongAdder reconnects = new LongAdder();
    final LongAdder historyConflicts = new LongAdder();
}
