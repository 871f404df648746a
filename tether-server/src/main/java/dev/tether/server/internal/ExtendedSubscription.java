package dev.tether.server.internal;

import dev.tether.core.Packet;
import dev.tether.core.StreamPosition;
import dev.tether.server.SlowConsumerPolicy;
import java.util.ArrayDeque;
import org.jspecify.annotations.Nullable;

/**
 * What a client of Tether's extension asked for on one subscription by name: positions on its publications, and
 * join and leave events. While the subscription recovers (its history is being read), publications for it are
 * held, at most {@link #MAX_HELD}, the oldest dropped beyond that (the client then sees a gap in the offsets and
 * subscribes again); when recovery ends, the held publications after the reply's position are delivered in order,
 * then it is live. Guarded by its own monitor: the hub's fan-out and the end of recovery take it, so nothing
 * overtakes the held publications.
 */
final class ExtendedSubscription {
    static final int MAX_HELD = 10_000;

    private record Held(Packet packet, @Nullable StreamPosition position) {}

    final boolean positions;
    final boolean joinLeave;
    private final ArrayDeque<Held> held = new ArrayDeque<>();
    private boolean recovering;

    ExtendedSubscription(boolean positions, boolean joinLeave) {
        this.positions = positions;
        this.joinLeave = joinLeave;
        this.recovering = positions;
    }

    /**
     * A publication for this subscription: queued for the session, or held while recovering.
     *
     * @param packet the publication with its position in the extension key (or without one, when it has none)
     * @return whether it was queued or held
     */
    synchronized boolean publication(
            DefaultSession session,
            SharedEncoding encoding,
            Packet packet,
            @Nullable StreamPosition position,
            String channel,
            SlowConsumerPolicy policy) {
        if (recovering) {
            if (held.size() >= MAX_HELD) {
                held.removeFirst();
            }
            held.addLast(new Held(packet, position));
            return true;
        }
        boolean framed = encoding.framedFor(session);
        return session.writer().deliver(encoding.viewFor(session, framed), framed, channel, policy);
    }

    /**
     * Ends recovery: delivers the held publications that come after {@code upTo} (all of them when it is
     * {@code null}, and those of another epoch or without a position), in order, then goes live.
     */
    synchronized void goLive(
            DefaultSession session, @Nullable StreamPosition upTo, String channel, SlowConsumerPolicy policy) {
        for (Held h : held) {
            StreamPosition position = h.position();
            boolean after =
                    upTo == null || position == null || !position.sameEpoch(upTo) || position.offset() > upTo.offset();
            if (after) {
                session.writer()
                        .deliver(
                                DefaultSession.encode(session.codec(), h.packet(), session.channelAllocator()),
                                false,
                                channel,
                                policy);
            }
        }
        held.clear();
        recovering = false;
    }
}
