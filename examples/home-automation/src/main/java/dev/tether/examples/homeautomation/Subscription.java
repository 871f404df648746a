package dev.tether.examples.homeautomation;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * An event subscription that outlives sockets: after a reconnect the client subscribes again and this handle keeps
 * receiving events under the new id.
 */
public final class Subscription {
    private final HomeAutomationClient client;
    private final @Nullable String eventType;
    final Consumer<Map<String, Object>> handler;
    volatile int id;
    volatile boolean active;

    Subscription(HomeAutomationClient client, @Nullable String eventType, Consumer<Map<String, Object>> handler) {
        this.client = client;
        this.eventType = eventType;
        this.handler = handler;
    }

    /** The id of the {@code subscribe_events} command the server knows it by now; changes after a reconnect. */
    public int id() {
        return id;
    }

    /** The event type subscribed to, or {@code null} for every event. */
    public @Nullable String eventType() {
        return eventType;
    }

    /** Whether events are still delivered: subscribed and not unsubscribed. */
    public boolean isActive() {
        return active;
    }

    /** Sends {@code unsubscribe_events} and stops delivering events at once. */
    public CompletableFuture<@Nullable Object> unsubscribe() {
        return client.unsubscribe(this);
    }

    @Override
    public String toString() {
        return "Subscription(" + id + ", " + (eventType == null ? "all events" : eventType) + ")";
    }
}
