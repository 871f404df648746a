package dev.tether.client;

import static org.awaitility.Awaitility.await;

import dev.tether.core.StreamPosition;
import dev.tether.core.TetherException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Records every callback of one subscription, in order, and the threads they ran on; {@code await*} methods wait
 * (with a real-time limit) for a count. A recorder, not a mock: it only listens.
 */
class RecordingSubscription implements SubscriptionListener {
    static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final List<Publication> publications = new ArrayList<>();
    private final List<Subscribed> subscribes = new ArrayList<>();
    private final List<String> events = new ArrayList<>();
    private final Set<String> threads = ConcurrentHashMap.newKeySet();

    @Override
    public void onPublication(Publication publication) {
        synchronized (this) {
            publications.add(publication);
        }
        seen();
    }

    @Override
    public void onSubscribed(Subscribed subscribed) {
        synchronized (this) {
            subscribes.add(subscribed);
            events.add(
                    "subscribed recovered=" + subscribed.recovered() + " missed=" + subscribed.recoveredPublications());
        }
        seen();
    }

    @Override
    public void onGap(String channel, StreamPosition expected, StreamPosition got) {
        event("gap " + channel + " expected " + expected.offset() + " got " + got.offset()
                + (expected.sameEpoch(got) ? "" : " (new epoch)"));
    }

    @Override
    public void onJoin(String channel, PresenceMember member) {
        event("join " + channel + " " + member.session());
    }

    @Override
    public void onLeave(String channel, PresenceMember member) {
        event("leave " + channel + " " + member.session());
    }

    @Override
    public void onUnsubscribed(String channel, @Nullable TetherException cause) {
        event("unsubscribed " + channel + (cause == null ? "" : ": " + cause.getMessage()));
    }

    private void event(String event) {
        synchronized (this) {
            events.add(event);
        }
        seen();
    }

    private void seen() {
        threads.add(Thread.currentThread().getName().replaceAll("[0-9]+$", "N"));
    }

    synchronized List<Publication> publications() {
        return new ArrayList<>(publications);
    }

    /** The data of every publication so far, in order. */
    synchronized List<@Nullable Object> data() {
        List<@Nullable Object> data = new ArrayList<>(publications.size());
        for (Publication p : publications) {
            data.add(p.data());
        }
        return data;
    }

    synchronized List<Subscribed> subscribes() {
        return new ArrayList<>(subscribes);
    }

    synchronized List<String> events() {
        return new ArrayList<>(events);
    }

    /** The names of the threads callbacks ran on, with their trailing numbers as {@code N}. */
    Set<String> threads() {
        return Set.copyOf(threads);
    }

    /** Waits for the {@code n}th answer to a subscribe (from 1) and returns it. */
    Subscribed awaitSubscribed(int n) {
        await().atMost(TIMEOUT).until(() -> subscribes().size() >= n);
        return subscribes().get(n - 1);
    }

    /** Waits until {@code n} publications arrived; returns them all. */
    List<Publication> awaitPublications(int n) {
        await().atMost(TIMEOUT).until(() -> publications().size() >= n);
        return publications();
    }

    /** Waits for an event that starts with {@code prefix}; returns it. */
    String awaitEvent(String prefix) {
        await().atMost(TIMEOUT).until(() -> events().stream().anyMatch(e -> e.startsWith(prefix)));
        return Objects.requireNonNull(
                events().stream().filter(e -> e.startsWith(prefix)).findFirst().orElse(null));
    }
}
