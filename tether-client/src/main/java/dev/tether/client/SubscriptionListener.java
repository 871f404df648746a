package dev.tether.client;

import dev.tether.core.StreamPosition;
import dev.tether.core.TetherException;
import org.jspecify.annotations.Nullable;

/**
 * Hears one subscription of {@link TetherClient#subscribe}: its publications in order, each (re)subscribe, gaps, and
 * join and leave events when asked for. Only {@link #onPublication} must be written; the others do nothing by
 * default, so a lambda is a listener.
 *
 * <p>Callbacks run on the connection's event loop, in order, never concurrently with each other or with the client's
 * other listeners; keep them short and never block. A callback that throws is logged and the subscription goes on.
 *
 * <p>The order per (re)subscribe is: {@link #onSubscribed}, then the recovered publications, then the live ones. A
 * publication with a position is delivered at most once per epoch and in offset order.
 */
@FunctionalInterface
public interface SubscriptionListener {

    /** A publication, live or recovered. */
    void onPublication(Publication publication);

    /**
     * The server answered a subscribe: the first one (before the future of {@link TetherClient#subscribe}
     * completes), each restore after a reconnect (before the session counts as ready), and each fetch after a gap.
     * When {@link Subscribed#recovered()} is {@code false}, reload the channel's state.
     */
    default void onSubscribed(Subscribed subscribed) {}

    /**
     * While connected, a publication did not follow the last one: it skipped offsets ({@code got} is further than
     * {@code expected}: the server dropped some for a slow consumer, or lost them between nodes) or its epoch
     * differs (the channel's history restarted). With {@link SubscribeOptions#recover()} the client then fetches
     * what was skipped and {@link #onSubscribed} follows; otherwise {@code got} is delivered next.
     *
     * @param expected the position that should have come next
     * @param got the position that came
     */
    default void onGap(String channel, StreamPosition expected, StreamPosition got) {}

    /** A session started to subscribe to the channel (with {@link SubscribeOptions#joinLeave()}). */
    default void onJoin(String channel, PresenceMember member) {}

    /** A session stopped subscribing to the channel (with {@link SubscribeOptions#joinLeave()}). */
    default void onLeave(String channel, PresenceMember member) {}

    /**
     * The subscription ended, once: {@code cause} is {@code null} after {@link TetherClient#unsubscribe}, and says
     * why when the server refused to subscribe again (after a reconnect or a gap), which no retry can change.
     * Not called when the first subscribe fails (its future says why) nor when the client closes.
     */
    default void onUnsubscribed(String channel, @Nullable TetherException cause) {}
}
