package dev.tether.client.internal;

import dev.tether.client.Call;
import dev.tether.client.ClientSession;
import dev.tether.client.ConnectionException;
import dev.tether.client.PresenceMember;
import dev.tether.client.Publication;
import dev.tether.client.RpcCallException;
import dev.tether.client.RpcErrorException;
import dev.tether.client.SubscribeOptions;
import dev.tether.client.Subscribed;
import dev.tether.client.SubscriptionListener;
import dev.tether.core.Packet;
import dev.tether.core.PacketSource;
import dev.tether.core.StreamPosition;
import dev.tether.core.TetherException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One channel subscribed with Tether's extension, from its first {@code subscribe} until it ends: the last position
 * delivered, and the packets held while a {@code subscribe} of it waits for its answer.
 *
 * <p>Why hold: the server queues the answer and the first live publications from different threads, so live ones
 * can overtake the answer; and after a gap the skipped publications come inside the answer. Holding everything that
 * arrives meanwhile, then delivering only what comes after the answer's position, keeps offset order without
 * duplicates. A gap therefore holds the publication that revealed it too, rather than deliver it before the ones it
 * skipped.
 *
 * <p>Everything but the final fields is confined to the event loop. Answers to its calls hop there as queued tasks,
 * never inline, so handling one never re-enters the handling of a packet; packets that arrive in between are held.
 */
final class ClientSubscription {
    private static final Logger log = LoggerFactory.getLogger(ClientSubscription.class);

    /** Why a {@code subscribe} is sent. */
    enum Ask {
        /** The application's subscribe: its answer completes {@link #subscribed}. */
        FIRST,
        /** After a reconnect, before the session is ready. */
        RESTORE,
        /** While connected, to fetch what a gap skipped. */
        GAP
    }

    /** The parts of a {@code subscribe} answer this class reads. */
    private record Reply(
            boolean recoverable,
            @Nullable StreamPosition position,
            @Nullable Boolean recovered,
            List<?> publications) {
        static final Reply PLAIN = new Reply(false, null, null, List.of());
    }

    final String channel;
    final SubscribeOptions options;
    final SubscriptionListener listener;
    /** Completes with the answer to the first subscribe. */
    final CompletableFuture<Subscribed> subscribed = new CompletableFuture<>();

    private final Subscriptions owner;
    private final int maxHeld;

    /** The first subscribe succeeded: the subscription is restored after every reconnect. */
    private boolean confirmed;

    private boolean ended;
    private boolean recoverable;
    /** The position of the last publication delivered, or where the last answer started; null without positions. */
    private @Nullable StreamPosition last;
    /** Numbers the subscribes sent; an answer to another than {@link #asking} is stale. */
    private int asks;
    /** The subscribe whose answer ends the holding; 0 when live; -1 until the first one is sent. */
    private int asking = -1;
    /** The socket this subscription lives on now: its restore's, or the last packet's. */
    private @Nullable ClientSession session;

    private final ArrayDeque<Packet> held = new ArrayDeque<>();
    private long droppedWhileHeld;

    ClientSubscription(
            Subscriptions owner, String channel, SubscribeOptions options, SubscriptionListener listener, int maxHeld) {
        this.owner = owner;
        this.channel = channel;
        this.options = options;
        this.listener = listener;
        this.maxHeld = maxHeld;
    }

    boolean isConfirmed() {
        return confirmed;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Asking.

    /**
     * Sends a {@code subscribe} ({@code since} the given position, if any) and holds what arrives until its answer.
     *
     * @return completes when the answer was handled; fails only for a restore that may succeed on another attempt
     */
    CompletableFuture<Void> ask(Ask why, @Nullable ClientSession on) {
        int id = ++asks;
        asking = id;
        if (on != null) {
            session = on;
        }
        StreamPosition since = why != Ask.FIRST && options.recover() ? last : null;
        CompletableFuture<Void> handled = new CompletableFuture<>();
        owner.call(request(since), on)
                .whenComplete((result, error) -> owner.later(() -> {
                    try {
                        answered(why, id, since, result, error, handled);
                    } catch (RuntimeException e) {
                        handled.completeExceptionally(e);
                    }
                }));
        return handled;
    }

    private Call request(@Nullable StreamPosition since) {
        Call call = Call.of(Subscriptions.SUBSCRIBE, channel).withKwarg("positions", true);
        if (since != null) {
            Map<String, Object> position = new LinkedHashMap<>();
            position.put("offset", since.offset());
            position.put("epoch", since.epoch());
            call = call.withKwarg("since", position);
        }
        return options.joinLeave() ? call.withKwarg("join_leave", true) : call;
    }

    private void answered(
            Ask why,
            int id,
            @Nullable StreamPosition since,
            @Nullable Object result,
            @Nullable Throwable error,
            CompletableFuture<Void> handled) {
        if (ended || id != asking) {
            handled.complete(null); // unsubscribed, or the socket it was asked on closed and a restore asks again
            return;
        }
        if (error != null) {
            failed(why, Stages.unwrap(error), handled);
            return;
        }
        Reply reply;
        try {
            reply = parse(result);
        } catch (IllegalArgumentException malformed) {
            refused(
                    why,
                    new RpcCallException(
                            "subscribe '" + channel + "': " + malformed.getMessage(),
                            Subscriptions.SUBSCRIBE,
                            null,
                            null));
            handled.complete(null);
            return;
        }
        if (reply == null) {
            refused(
                    why,
                    new RpcCallException(
                            "subscribe '" + channel
                                    + "': the server refused (subscribed: false, at its subscription limit)",
                            Subscriptions.SUBSCRIBE,
                            null,
                            null));
        } else {
            apply(why, since, reply);
        }
        handled.complete(null);
    }

    private void failed(Ask why, Throwable cause, CompletableFuture<Void> handled) {
        if (why == Ask.FIRST) {
            failFirst(cause);
            handled.complete(null);
        } else if (cause instanceof RpcErrorException refusal) {
            // Retrying cannot help: the server says no.
            refused(why, refusal);
            handled.complete(null);
        } else if (why == Ask.RESTORE) {
            // Like a re-join: the attempt fails and is retried on a new socket, which asks again.
            handled.completeExceptionally(new ConnectionException(
                    "subscribing to '" + channel + "' again failed: " + Stages.describe(cause), cause));
        } else {
            log.warn(
                    "Could not fetch the publications of '{}' that a gap skipped ({}); going on without them",
                    channel,
                    Stages.describe(cause));
            asking = 0;
            Packet first = held.pollFirst(); // the publication that revealed the gap, already reported
            if (first != null) {
                StreamPosition position = positionOf(first.extension());
                publish(first, position);
                last = position;
            }
            releaseHeld();
            handled.complete(null);
        }
    }

    private void refused(Ask why, TetherException cause) {
        if (why == Ask.FIRST) {
            failFirst(cause);
            return;
        }
        log.warn("The server refused to subscribe to '{}' again ({}); forgetting it", channel, cause.getMessage());
        end(cause);
    }

    /** The first subscribe failed: nothing is remembered, and its future says why. */
    private void failFirst(Throwable cause) {
        owner.forget(this);
        ended = true;
        held.clear();
        subscribed.completeExceptionally(cause);
    }

    private void apply(Ask why, @Nullable StreamPosition since, Reply reply) {
        recoverable = reply.recoverable();
        boolean recovered = since != null && Boolean.TRUE.equals(reply.recovered());
        List<Publication> missed = recovered ? missed(reply) : List.of();
        StreamPosition position = reply.position();
        if (position != null || !recovered) {
            last = position; // recovered: the last of the missed ones; otherwise where the live ones start
        } else if (!missed.isEmpty()) {
            last = missed.get(missed.size() - 1).position();
        }
        confirmed = true;
        asking = 0;
        Subscribed answer = new Subscribed(
                channel, reply.recoverable(), position, why == Ask.FIRST ? null : recovered, missed.size());
        notify(l -> l.onSubscribed(answer));
        if (why == Ask.FIRST) {
            subscribed.complete(answer);
        }
        for (Publication publication : missed) {
            notify(l -> l.onPublication(publication));
        }
        releaseHeld();
    }

    /** The publications of the answer after the last one delivered, oldest first. */
    private List<Publication> missed(Reply reply) {
        StreamPosition position = reply.position();
        StreamPosition after = last;
        if (position == null) {
            return List.of();
        }
        List<Publication> missed = new ArrayList<>(reply.publications().size());
        for (Object item : reply.publications()) {
            if (!(item instanceof Map<?, ?> map && map.get("offset") instanceof Number offset)) {
                log.warn("A recovered publication of '{}' is not a map with an offset; skipped: {}", channel, item);
                continue;
            }
            StreamPosition at = new StreamPosition(offset.longValue(), position.epoch());
            if (after != null && at.sameEpoch(after) && at.offset() <= after.offset()) {
                continue;
            }
            Map<String, Object> extension = new LinkedHashMap<>();
            extension.put("offset", offset); // as decoded, like a live packet's
            extension.put("epoch", at.epoch());
            Packet packet = new Packet(
                    PacketSource.CHANNEL,
                    map.get("data"),
                    null,
                    channel,
                    map.get("timestamp") instanceof Number t ? t.doubleValue() : null,
                    map.get("correlation_id") instanceof String c ? c : null,
                    extension);
            missed.add(new Publication(channel, packet.data(), at, packet));
            after = at;
        }
        return missed;
    }

    /**
     * The answer, or {@code null} when the server refused (at its subscription limit).
     *
     * @throws IllegalArgumentException for an answer that is neither a boolean nor a map
     */
    private static @Nullable Reply parse(@Nullable Object result) {
        if (result instanceof Boolean subscribed) {
            return subscribed ? Reply.PLAIN : null; // a server without Tether's extension
        }
        if (!(result instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException(
                    "the answer " + result + " is not one of subscribe's (expected: true, false or a map)");
        }
        if (!Boolean.TRUE.equals(map.get("subscribed"))) {
            return null;
        }
        Object recovered = map.get("recovered");
        Object publications = map.get("publications");
        return new Reply(
                Boolean.TRUE.equals(map.get("recoverable")),
                position(map.get("offset"), map.get("epoch")),
                recovered instanceof Boolean b ? b : null,
                publications instanceof List<?> list ? list : List.of());
    }

    // ---------------------------------------------------------------------------------------------------------
    // Packets, on the event loop.

    /** A CHANNEL packet of this channel arrived on {@code from}. */
    void received(Packet packet, ClientSession from) {
        session = from;
        accept(packet);
    }

    private void accept(Packet packet) {
        if (asking != 0) {
            hold(packet);
            return;
        }
        Map<String, Object> extension = packet.extension();
        if (packet.data() == null && extension != null) {
            if (extension.get("join") instanceof Map<?, ?> who) {
                PresenceMember member = Subscriptions.member(who);
                notify(l -> l.onJoin(channel, member));
                return;
            }
            if (extension.get("leave") instanceof Map<?, ?> who) {
                PresenceMember member = Subscriptions.member(who);
                notify(l -> l.onLeave(channel, member));
                return;
            }
        }
        StreamPosition position = positionOf(extension);
        StreamPosition before = last;
        if (position == null || before == null) {
            publish(packet, position);
            if (position != null) {
                last = position;
            }
            return;
        }
        boolean sameEpoch = position.sameEpoch(before);
        if (sameEpoch && position.offset() <= before.offset()) {
            log.debug("Dropping publication {} of '{}': already delivered up to {}", position, channel, before);
            return;
        }
        if (sameEpoch && position.offset() == before.offset() + 1) {
            publish(packet, position);
            last = position;
            return;
        }
        StreamPosition expected = before.next();
        notify(l -> l.onGap(channel, expected, position));
        ClientSession on = session;
        if (options.recover() && recoverable && on != null && on.isOpen()) {
            log.info("Gap in '{}': expected {}, got {}; fetching what was skipped", channel, expected, position);
            hold(packet);
            ask(Ask.GAP, on);
        } else {
            publish(packet, position);
            last = position;
        }
    }

    private void hold(Packet packet) {
        if (held.size() < maxHeld) {
            held.addLast(packet);
            return;
        }
        if (droppedWhileHeld++ == 0) {
            log.warn(
                    "Holding {} packets of '{}' while its subscribe is answered (subscriptionBufferPackets); dropping"
                            + " newer ones: the next publication shows them as a gap, which fetches them again",
                    maxHeld,
                    channel);
        }
    }

    /** Ends the holding: what was held goes through {@link #accept} in order (a new gap may hold the rest again). */
    private void releaseHeld() {
        droppedWhileHeld = 0;
        if (held.isEmpty()) {
            return;
        }
        List<Packet> backlog = new ArrayList<>(held);
        held.clear();
        for (Packet packet : backlog) {
            accept(packet);
        }
    }

    private void publish(Packet packet, @Nullable StreamPosition position) {
        Publication publication = new Publication(channel, packet.data(), position, packet);
        notify(l -> l.onPublication(publication));
    }

    // ---------------------------------------------------------------------------------------------------------
    // The end, and sockets closing, on the event loop.

    /** The application unsubscribed. */
    void unsubscribed() {
        if (ended) {
            return;
        }
        if (!confirmed) {
            ended = true;
            held.clear();
            subscribed.completeExceptionally(
                    new CancellationException("unsubscribed from '" + channel + "' before the server answered"));
            return;
        }
        end(null);
    }

    private void end(@Nullable TetherException cause) {
        owner.forget(this);
        ended = true;
        held.clear();
        notify(l -> l.onUnsubscribed(channel, cause));
    }

    /** {@code closed} closed: what was held on it is gone, and a restore on the next socket asks again. */
    void sessionClosed(ClientSession closed) {
        if (confirmed && session == closed) {
            held.clear();
            asking = 0;
        }
    }

    private void notify(Consumer<SubscriptionListener> event) {
        try {
            event.accept(listener);
        } catch (RuntimeException e) {
            log.warn("A listener of subscription '{}' threw; ignored", channel, e);
        }
    }

    /** The position in a packet's {@code tether} key, or {@code null} when it has none. */
    static @Nullable StreamPosition positionOf(@Nullable Map<String, Object> extension) {
        return extension == null ? null : position(extension.get("offset"), extension.get("epoch"));
    }

    private static @Nullable StreamPosition position(@Nullable Object offset, @Nullable Object epoch) {
        if (offset instanceof Number n
                && (n instanceof Integer || n instanceof Long)
                && n.longValue() >= 0
                && epoch instanceof String e
                && !e.isEmpty()) {
            return new StreamPosition(n.longValue(), e);
        }
        return null;
    }

    @Override
    public String toString() {
        return "ClientSubscription(" + channel + (last == null ? "" : " at " + last) + ")";
    }
}
