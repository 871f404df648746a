package dev.tether.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tether.client.ConnectionConfig;
import dev.tether.client.Publication;
import dev.tether.client.Subscribed;
import dev.tether.client.SubscriptionListener;
import dev.tether.client.TetherClient;
import dev.tether.client.TetherClientConfig;
import dev.tether.core.Backoff;
import dev.tether.core.StreamPosition;
import dev.tether.testing.fault.FaultProxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Three {@code tether serve} processes joined by the Redis or the NATS on its standard loopback port, behind a TCP
 * load balancer. A node is
 * killed (SIGKILL) while subscribers are connected to it and publications keep flowing through the others; its
 * subscribers reconnect through the balancer to a node that lives and recover. Every subscriber must end with every
 * publication exactly once, in offset order, counted by sequence numbers; the dead node's presence expires.
 */
class ClusterChaosTest {
    private static final String CHANNEL = "chaos";
    private static final int PER_PUBLISHER = 250;

    private final String prefix = "chaos_" + UUID.randomUUID().toString().substring(0, 8);
    private String brokerUri = "";
    private final List<AutoCloseable> closeAfter = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (int i = closeAfter.size() - 1; i >= 0; i--) {
            closeAfter.get(i).close();
        }
        Brokers.removeKeys(brokerUri, prefix);
    }

    /** What one subscriber received, in order. */
    private static final class Received implements SubscriptionListener {
        final List<String> texts = new CopyOnWriteArrayList<>();
        final List<Long> offsets = new CopyOnWriteArrayList<>();
        final List<Subscribed> answers = new CopyOnWriteArrayList<>();
        final List<String> gaps = new CopyOnWriteArrayList<>();

        @Override
        public void onPublication(Publication publication) {
            texts.add(String.valueOf(((java.util.Map<?, ?>) publication.data()).get("text")));
            StreamPosition position = publication.position();
            offsets.add(position == null ? -1 : position.offset());
        }

        @Override
        public void onSubscribed(Subscribed subscribed) {
            answers.add(subscribed);
        }

        @Override
        public void onGap(String channel, StreamPosition expected, StreamPosition got) {
            gaps.add(expected + " -> " + got);
        }
    }

    private TetherClient client(String url) {
        Backoff quick = Backoff.fixed(Duration.ofMillis(100));
        TetherClient client = TetherClient.create(TetherClientConfig.builder()
                .connection(ConnectionConfig.builder()
                        .uri(url)
                        .reconnectBackoff(quick)
                        .earlyDropBackoff(quick)
                        .build())
                .build());
        closeAfter.add(() -> client.close().toCompletableFuture().join());
        client.connect().toCompletableFuture().join();
        return client;
    }

    private NodeProcess node() throws Exception {
        NodeProcess node =
                NodeProcess.start(0, "--broker", brokerUri, "--broker-prefix", prefix, "--presence-ttl", "3s");
        closeAfter.add(node);
        return node;
    }

    @ParameterizedTest
    @ValueSource(strings = {"redis://127.0.0.1:6379", "nats://127.0.0.1:4222"})
    void killingANodeLosesAndRepeatsNothing(String broker) throws Exception {
        brokerUri = broker;
        NodeProcess victim = node();
        NodeProcess second = node();
        NodeProcess third = node();
        FaultProxy balancer = FaultProxy.start(List.of(victim.port(), second.port(), third.port()));
        closeAfter.add(balancer);
        List<Received> subscribers = new ArrayList<>();
        for (int i = 0; i < 6; i++) { // two per node, in the balancer's turn
            Received received = new Received();
            client("ws://127.0.0.1:" + balancer.port() + "/")
                    .subscribe(CHANNEL, received)
                    .get();
            subscribers.add(received);
        }
        TetherClient publisherOnSecond = client(second.url());
        TetherClient publisherOnThird = client(third.url());

        // Publications flow through the second and third nodes at about 100 a second (the demo keeps 100 per
        // channel), and the victim dies after the first 100 reached every subscriber.
        List<String> published = new CopyOnWriteArrayList<>();
        ScheduledExecutorService pace = Executors.newSingleThreadScheduledExecutor();
        closeAfter.add(pace::shutdownNow);
        CompletableFuture<Void> done = new CompletableFuture<>();
        AtomicInteger sent = new AtomicInteger();
        pace.scheduleAtFixedRate(
                () -> {
                    int n = sent.incrementAndGet();
                    if (n > 2 * PER_PUBLISHER) {
                        done.complete(null);
                        throw new CancellationException("all published"); // ends the schedule
                    }
                    TetherClient publisher = n % 2 == 0 ? publisherOnSecond : publisherOnThird;
                    String text = (n % 2 == 0 ? "second-" : "third-") + n;
                    try {
                        publisher.call("say", CHANNEL, text).get();
                        published.add(text);
                    } catch (Exception e) {
                        done.completeExceptionally(e);
                    }
                },
                0,
                10,
                TimeUnit.MILLISECONDS);
        await().atMost(Duration.ofSeconds(30)).until(() -> subscribers.stream().allMatch(s -> s.texts.size() >= 100));
        victim.kill(); // its subscribers are cut off mid-stream; no close frame, no presence leave
        done.get(60, TimeUnit.SECONDS);

        for (Received subscriber : subscribers) {
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(subscriber.texts.size())
                            .as(
                                    "received of %s; answers %s; gaps %s; missing %s",
                                    published.size(),
                                    subscriber.answers,
                                    subscriber.gaps,
                                    published.stream()
                                            .filter(t -> !subscriber.texts.contains(t))
                                            .limit(20)
                                            .toList())
                            .isGreaterThanOrEqualTo(published.size()));
            assertThat(subscriber.texts)
                    .as("every publication exactly once")
                    .containsExactlyInAnyOrderElementsOf(published);
            assertThat(subscriber.offsets)
                    .as("in offset order, without a hole")
                    .isSorted()
                    .doesNotHaveDuplicates();
            assertThat(subscriber.offsets.get(subscriber.offsets.size() - 1) - subscriber.offsets.get(0))
                    .isEqualTo(published.size() - 1);
            for (Subscribed answer : subscriber.answers.subList(1, subscriber.answers.size())) {
                assertThat(answer.recovered())
                        .as("every restore recovered: %s", answer)
                        .isTrue();
            }
        }
        assertThat(subscribers.stream().filter(s -> s.answers.size() > 1).count())
                .as("the victim's subscribers restored their subscription")
                .isGreaterThanOrEqualTo(2);
        // The victim's presence entries expire; the six subscribers are present once each.
        await().atMost(Duration.ofSeconds(20))
                .until(() ->
                        ((List<?>) publisherOnSecond.call("presence", CHANNEL).get()).size() == 6);
    }

    @ParameterizedTest
    @ValueSource(strings = {"redis://127.0.0.1:6379", "nats://127.0.0.1:4222"})
    void tetherListenRecoversWhatItMissedWhileItsNodeWasDown(String broker) throws Exception {
        brokerUri = broker;
        NodeProcess first = node();
        NodeProcess other = node();
        Listening listening = Listening.start(first.url(), "--subscribe", "lobby");
        try {
            assertThat(listening.stderr().awaitLine("subscribed lobby")).startsWith("subscribed lobby at 0@");
            Received watcher = new Received(); // on the other node: tells when a publication has its position
            client(other.url()).subscribe("lobby", watcher).get();
            TetherClient publisher = client(other.url());
            publisher.call("say", "lobby", "before").get();
            listening.stdout().awaitLine("\"text\":\"before\"");

            first.kill();
            listening.stderr().awaitLine("disconnected");
            publisher.call("say", "lobby", "missed one").get();
            publisher.call("say", "lobby", "missed two").get();
            await().atMost(Duration.ofSeconds(10)).until(() -> watcher.texts.size() == 3);
            NodeProcess restarted = NodeProcess.start(
                    first.port(), "--broker", brokerUri, "--broker-prefix", prefix, "--presence-ttl", "3s");
            closeAfter.add(restarted);

            AtomicReference<String> recovered = new AtomicReference<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                if (listening.clock().nextDue() != null) {
                    listening.reconnectNow(); // the listener's backoff, on its manual clock
                }
                recovered.compareAndSet(null, listening.stderr().pollLine("recovered lobby"));
                return recovered.get() != null;
            });
            assertThat(recovered.get()).isEqualTo("recovered lobby: 2 missed publications");
            assertThat(listening.stdout().awaitLine("missed one")).contains("\"text\":\"missed one\"");
            assertThat(listening.stdout().awaitLine("missed two")).contains("\"text\":\"missed two\"");
        } finally {
            listening.stop();
        }
    }
}
