package dev.tether.client.internal;

import dev.tether.client.Call;
import dev.tether.client.ClientSession;
import dev.tether.client.PresenceMember;
import dev.tether.client.RpcCallException;
import dev.tether.client.SubscribeOptions;
import dev.tether.client.Subscribed;
import dev.tether.client.SubscriptionListener;
import dev.tether.core.ChannelPattern;
import dev.tether.core.Packet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The channels subscribed with Tether's extension (docs/protocol.md), by name: the built-in {@code subscribe},
 * {@code unsubscribe} and {@code presence} calls, the routing of their CHANNEL packets, and their restore after a
 * reconnect. The map is guarded by itself; each {@link ClientSubscription}'s state lives on the event loop.
 */
final class Subscriptions {
    private static final Logger log = LoggerFactory.getLogger(Subscriptions.class);
    static final String SUBSCRIBE = "subscribe";
    static final String UNSUBSCRIBE = "unsubscribe";
    static final String PRESENCE = "presence";

    /** Sends a call, on {@code session} or, when it is null, on the connection. */
    @FunctionalInterface
    interface Caller {
        CompletableFuture<@Nullable Object> call(Call call, @Nullable ClientSession session);
    }

    private final Caller caller;
    private final DefaultClientConnection connection;
    private final int maxHeld;
    private final Map<String, ClientSubscription> byChannel = new LinkedHashMap<>(); // guarded by itself

    Subscriptions(Caller caller, DefaultClientConnection connection, int maxHeld) {
        this.caller = caller;
        this.connection = connection;
        this.maxHeld = maxHeld;
    }

    CompletableFuture<Subscribed> subscribe(String channel, SubscribeOptions options, SubscriptionListener listener) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(listener, "listener");
        if (channel.isEmpty() || ChannelPattern.isPattern(channel)) {
            throw new IllegalArgumentException("channel: '" + channel
                    + "' (expected: a channel name without * ? [ ]; join a pattern with join and onChannel)");
        }
        ClientSubscription subscription = new ClientSubscription(this, channel, options, listener, maxHeld);
        synchronized (byChannel) {
            if (byChannel.putIfAbsent(channel, subscription) != null) {
                throw new IllegalStateException(
                        "channel: '" + channel + "' (expected: one not subscribed yet; unsubscribe first)");
            }
        }
        // Registered before the call goes out, so publications that overtake the answer are held, not lost.
        connection.later(() -> subscription.ask(ClientSubscription.Ask.FIRST, null));
        return subscription.subscribed;
    }

    CompletableFuture<Boolean> unsubscribe(String channel) {
        ClientSubscription subscription;
        synchronized (byChannel) {
            subscription = byChannel.remove(channel);
        }
        if (subscription != null) {
            connection.later(subscription::unsubscribed);
        }
        return caller.call(Call.of(UNSUBSCRIBE, channel), null).thenApply(Boolean.TRUE::equals);
    }

    CompletableFuture<List<PresenceMember>> presence(String channel) {
        return caller.call(Call.of(PRESENCE, channel), null).thenApply(result -> {
            if (!(result instanceof List<?> list)) {
                throw new RpcCallException(
                        "presence '" + channel + "': the answer " + result + " is not a list of members",
                        PRESENCE,
                        null,
                        null);
            }
            List<PresenceMember> members = new ArrayList<>(list.size());
            for (Object item : list) {
                if (item instanceof Map<?, ?> map) {
                    members.add(member(map));
                }
            }
            return Collections.unmodifiableList(members);
        });
    }

    Set<String> channels() {
        synchronized (byChannel) {
            return Collections.unmodifiableSet(new LinkedHashSet<>(byChannel.keySet()));
        }
    }

    /** A CHANNEL packet, on the event loop: whether a subscription took it. */
    boolean received(Packet packet, ClientSession session) {
        String channel = packet.channel();
        ClientSubscription subscription;
        synchronized (byChannel) {
            subscription = channel == null || byChannel.isEmpty() ? null : byChannel.get(channel);
        }
        if (subscription == null) {
            return false;
        }
        subscription.received(packet, session);
        return true;
    }

    /** The re-subscribe step on a new socket, on the event loop: every subscription asks again, since its last. */
    CompletionStage<Void> restore(ClientSession session) {
        List<ClientSubscription> confirmed = new ArrayList<>();
        synchronized (byChannel) {
            for (ClientSubscription subscription : byChannel.values()) {
                if (subscription.isConfirmed()) {
                    confirmed.add(subscription);
                }
            }
        }
        if (confirmed.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        log.info("{}: subscribing to {} channels again", session.uri(), confirmed.size());
        List<CompletableFuture<Void>> asks = new ArrayList<>(confirmed.size());
        for (ClientSubscription subscription : confirmed) {
            asks.add(subscription.ask(ClientSubscription.Ask.RESTORE, session));
        }
        return CompletableFuture.allOf(asks.toArray(new CompletableFuture<?>[0]));
    }

    /** A socket closed, on the event loop. */
    void sessionClosed(ClientSession session) {
        List<ClientSubscription> all;
        synchronized (byChannel) {
            all = new ArrayList<>(byChannel.values());
        }
        for (ClientSubscription subscription : all) {
            subscription.sessionClosed(session);
        }
    }

    // For ClientSubscription.

    CompletableFuture<@Nullable Object> call(Call call, @Nullable ClientSession session) {
        return caller.call(call, session);
    }

    void later(Runnable task) {
        connection.later(task);
    }

    void forget(ClientSubscription subscription) {
        synchronized (byChannel) {
            byChannel.remove(subscription.channel, subscription);
        }
    }

    static PresenceMember member(Map<?, ?> who) {
        return new PresenceMember(String.valueOf(who.get("session")), who.get("info"));
    }
}
