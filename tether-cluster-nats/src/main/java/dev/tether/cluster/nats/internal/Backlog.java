package dev.tether.cluster.nats.internal;

import dev.tether.core.TetherException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bound on publications that wait: held while NATS is unreachable, or queued for their position in a channel's
 * history. Beyond it a publication is refused, counted and, once per outage (or per burst while connected), logged
 * at WARN.
 */
final class Backlog {
    private static final Logger log = LoggerFactory.getLogger(Backlog.class);

    private final int max;
    private final String owner;
    private final Counters counters;
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicBoolean warned = new AtomicBoolean();

    Backlog(int max, String owner, Counters counters) {
        this.max = max;
        this.owner = owner;
        this.counters = counters;
    }

    /** Takes a place, or returns {@code false} when {@code max} publications wait already. */
    boolean tryAdd() {
        while (true) {
            int now = size.get();
            if (now >= max) {
                return false;
            }
            if (size.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    /** Gives a place back; an empty backlog may warn again. */
    void remove() {
        if (size.decrementAndGet() == 0) {
            warned.set(false);
        }
    }

    /** Publications waiting now. */
    int size() {
        return size.get();
    }

    /** Counts a refused publication on {@code channel}, and returns what its stage fails with. */
    TetherException refuse(String channel) {
        counters.dropped.increment();
        if (warned.compareAndSet(false, true)) {
            log.warn(
                    "{}: {} publications are waiting (maxPendingPublications); dropping new ones, first on '{}'",
                    owner,
                    max,
                    channel);
        }
        return new TetherException(owner + ": " + max
                + " publications are waiting (maxPendingPublications); dropped the one on '" + channel + "'");
    }

    /** NATS is back: the next refusal warns again. */
    void rearm() {
        warned.set(false);
    }
}
