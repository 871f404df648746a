package dev.tether.server.internal;

import dev.tether.core.CloseCodes;
import dev.tether.server.SlowConsumerPolicy;
import io.netty.buffer.ByteBuf;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publications held back from one connection while its client reads too slowly, and the subscription policies that
 * decide what is dropped: {@code DISCONNECT} closes with 1008, {@code DROP_NEWEST} drops what arrives,
 * {@code DROP_OLDEST} keeps the newest within the connection's bound, {@code CONFLATE} keeps the newest per channel.
 * Event loop only, except {@link #heldBytes()}.
 */
final class SlowConsumerBuffer {
    private static final Logger log = LoggerFactory.getLogger(SlowConsumerBuffer.class);

    /**
     * A publication for one connection with the policy of the subscription that matched; {@code framed} when
     * {@code bytes} is a whole {@link PreparedFrame} rather than a payload to put in a frame.
     */
    record Publication(ByteBuf bytes, boolean framed, String channel, SlowConsumerPolicy policy) {}

    private final WsConnection connection;
    private final ServerCounters counters;
    private final ArrayDeque<Publication> held = new ArrayDeque<>();
    private final LinkedHashMap<String, Publication> conflated = new LinkedHashMap<>();
    private volatile long heldBytes;

    SlowConsumerBuffer(WsConnection connection, ServerCounters counters) {
        this.connection = connection;
        this.counters = counters;
    }

    boolean isEmpty() {
        return heldBytes == 0;
    }

    long heldBytes() {
        return heldBytes;
    }

    /** The client is slow: apply the publication's policy, within {@code budget} bytes held. */
    void hold(Publication message, long budget) {
        int size = message.bytes().readableBytes();
        switch (message.policy()) {
            case DISCONNECT -> {
                message.bytes().release();
                slowConsumer("it fell behind", SlowConsumerPolicy.DISCONNECT);
                release();
                connection.startClose(CloseCodes.POLICY_VIOLATION, "slow consumer");
            }
            case DROP_NEWEST -> {
                message.bytes().release();
                slowConsumer("it fell behind", SlowConsumerPolicy.DROP_NEWEST);
            }
            case DROP_OLDEST -> {
                held.addLast(message);
                heldBytes += size;
                trim(budget);
            }
            case CONFLATE -> {
                Publication previous = conflated.remove(message.channel());
                if (previous != null) {
                    heldBytes -= previous.bytes().readableBytes();
                    previous.bytes().release();
                    slowConsumer("it fell behind", SlowConsumerPolicy.CONFLATE);
                }
                conflated.put(message.channel(), message); // re-inserted last: the map keeps arrival order
                heldBytes += size;
                trim(budget);
            }
        }
    }

    /** Drops the oldest held messages until they fit in {@code budget} bytes. */
    private void trim(long budget) {
        while (heldBytes > budget && !held.isEmpty()) {
            Publication oldest = held.removeFirst();
            heldBytes -= oldest.bytes().readableBytes();
            oldest.bytes().release();
            slowConsumer("it fell behind", SlowConsumerPolicy.DROP_OLDEST);
        }
        Iterator<Publication> latest = conflated.values().iterator();
        while (heldBytes > budget && latest.hasNext()) {
            Publication oldest = latest.next();
            latest.remove();
            heldBytes -= oldest.bytes().readableBytes();
            oldest.bytes().release();
            slowConsumer("it fell behind", SlowConsumerPolicy.DROP_OLDEST);
        }
    }

    /** The next held publication to write, oldest first (conflated ones after the others), or {@code null}. */
    @Nullable
    Publication next() {
        Publication next = held.pollFirst();
        if (next == null) {
            Iterator<Publication> latest = conflated.values().iterator();
            if (!latest.hasNext()) {
                return null;
            }
            next = latest.next();
            latest.remove();
        }
        heldBytes -= next.bytes().readableBytes();
        return next;
    }

    /** Releases every held publication. */
    void release() {
        for (Publication message : held) {
            message.bytes().release();
        }
        held.clear();
        for (Publication message : conflated.values()) {
            message.bytes().release();
        }
        conflated.clear();
        heldBytes = 0;
    }

    private void slowConsumer(String why, SlowConsumerPolicy action) {
        counters.slowConsumer(action);
        logSlow(connection, why, action);
    }

    /** Logs the first slow-consumer action of a connection; later ones are only counted. */
    static void logSlow(WsConnection connection, String why, SlowConsumerPolicy action) {
        if (connection.markSlowLogged()) {
            log.warn(
                    "Session {} is a slow consumer ({}); applying {} (logged once per session)",
                    connection.id(),
                    why,
                    action);
        }
    }
}
