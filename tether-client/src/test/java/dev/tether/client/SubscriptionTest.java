package dev.tether.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.tether.core.ManualClock;
import dev.tether.core.RpcErrorCode;
import dev.tether.core.StreamPosition;
import dev.tether.server.Session;
import dev.tether.server.SlowConsumerPolicy;
import dev.tether.server.TetherHandler;
import dev.tether.server.TetherServer;
import dev.tether.testing.fault.FaultProxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Subscriptions with recovery against a real Tether server with history and presence on loopback: positions, a
 * dropped connection recovered without loss or repeat, honest {@code recovered: false}, gaps while connected, and
 * presence. Reconnect waits run on a manual clock; everything else is real.
 */
class SubscriptionTest {
    private final ManualClock clock = new ManualClock();
    private final RecordingListener events = new RecordingListener();
    private final List<AutoCloseable> closeAfter = new ArrayList<>();
    private TetherServer server;

    @AfterEach
    void stopEverything() throws Exception {
        for (int i = closeAfter.size() - 1; i >= 0; i--) {
            closeAfter.get(i).close();
        }
        if (server != null) {
            server.close();
        }
    }

    private TetherServer start(int port, int historySize, UnaryOperator<TetherServer.Builder> more) {
        server = more.apply(TetherServer.builder()
                        .host("127.0.0.1")
                        .port(port)
                        .handler(new TetherHandler() {})
                        .clientSubscriptions((session, name) -> true)
                        .history("chat.*", historySize, Duration.ofMinutes(5))
                        .presence("chat.*"))
                .build()
                .start();
        return server;
    }

    private TetherServer start(int historySize) {
        return start(0, historySize, UnaryOperator.identity());
    }

    private TetherClient connect(int port) throws Exception {
        TetherClient client = TetherClient.create(TetherClientConfig.builder()
                .connection(ConnectionConfig.builder()
                        .uri("ws://127.0.0.1:" + port + "/")
                        .clock(clock)
                        .random(new SplittableRandom(42))
                        .heartbeatInterval(Duration.ZERO)
                        .listener(events)
                        .build())
                .build());
        closeAfter.add(() -> client.close().toCompletableFuture().get(10, TimeUnit.SECONDS));
        result(client.connect());
        return client;
    }

    private FaultProxy proxy() {
        FaultProxy proxy = FaultProxy.start(server.port());
        closeAfter.add(proxy);
        return proxy;
    }

    private static <T> T result(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** Moves the clock to the reconnect the client has scheduled after a drop. */
    private void reconnectNow() {
        Duration next = clock.nextDue();
        assertThat(next).as("a reconnect is scheduled").isNotNull();
        clock.advance(next);
    }

    private static List<Integer> numbers(int from, int to) {
        return IntStream.rangeClosed(from, to).boxed().toList();
    }

    @Test
    void publicationsCarryTheirPositionsFromTheAnswerOn() throws Exception {
        start(100);
        server.publish("chat.room", "before");
        TetherClient client = connect(server.port());
        RecordingSubscription room = new RecordingSubscription();

        Subscribed subscribed = result(client.subscribe("chat.room", room));
        server.publish("chat.room", "one");
        server.publish("chat.room", "two");

        assertThat(subscribed.recoverable()).isTrue();
        assertThat(subscribed.recovered()).isNull();
        StreamPosition start = subscribed.position();
        assertThat(start).isNotNull();
        assertThat(start.offset()).isEqualTo(1);
        List<Publication> got = room.awaitPublications(2);
        assertThat(got).extracting(Publication::data).containsExactly("one", "two");
        assertThat(got)
                .extracting(Publication::position)
                .containsExactly(start.next(), start.next().next());
        assertThat(got.get(0).packet().extension()).containsEntry("offset", 2).containsEntry("epoch", start.epoch());
        assertThat(room.subscribes()).containsExactly(subscribed);
        assertThat(room.threads()).containsExactly("tether-client-io-N");
        assertThat(client.subscribedChannels()).containsExactly("chat.room");
    }

    @Test
    void unsubscribeEndsTheSubscriptionHereAndOnTheServer() throws Exception {
        start(100);
        TetherClient client = connect(server.port());
        RecordingSubscription room = new RecordingSubscription();
        result(client.subscribe("chat.room", room));

        assertThat(result(client.unsubscribe("chat.room"))).isTrue();

        assertThat(room.awaitEvent("unsubscribed")).isEqualTo("unsubscribed chat.room");
        assertThat(client.subscribedChannels()).isEmpty();
        assertThat(server.publish("chat.room", "nobody")).isZero();
    }

    @Test
    void aDroppedConnectionRecoversEveryPublicationOnceAndInOrder() throws Exception {
        int total = 5000;
        start(10_000);
        FaultProxy proxy = proxy();
        TetherClient client = connect(proxy.port());
        // The publisher runs at most 1000 publications ahead of what the client got: while the client is cut off it
        // publishes up to that many, which the client has to recover.
        Semaphore ahead = new Semaphore(1000);
        RecordingSubscription flow = new RecordingSubscription() {
            @Override
            public void onPublication(Publication publication) {
                super.onPublication(publication);
                ahead.release();
            }
        };
        result(client.subscribe("chat.flow", flow));
        Thread publisher = new Thread(
                () -> {
                    for (int i = 1; i <= total; i++) {
                        ahead.acquireUninterruptibly();
                        server.publish("chat.flow", i);
                    }
                },
                "publisher");
        publisher.start();

        flow.awaitPublications(200);
        proxy.dropAll();
        assertThat(events.awaitDisconnected().willReconnect()).isTrue();
        await().atMost(RecordingSubscription.TIMEOUT).until(() -> ahead.hasQueuedThreads());
        reconnectNow();

        events.awaitConnected();
        Subscribed restored = flow.awaitSubscribed(2);
        assertThat(restored.recovered()).isTrue();
        assertThat(restored.recoveredPublications()).isPositive();
        flow.awaitPublications(total);
        publisher.join(10_000);
        assertThat(flow.data()).isEqualTo(numbers(1, total));
        assertThat(flow.publications())
                .extracting(p -> p.position() == null ? -1 : p.position().offset())
                .isEqualTo(numbers(1, total).stream().map(Integer::longValue).toList());
    }

    @Test
    void historyTrimmedWhileDisconnectedIsNotRecoveredAndLiveOnesFollow() throws Exception {
        start(3);
        FaultProxy proxy = proxy();
        TetherClient client = connect(proxy.port());
        RecordingSubscription room = new RecordingSubscription();
        result(client.subscribe("chat.room", room));
        server.publish("chat.room", "seen");
        room.awaitPublications(1);

        proxy.dropAll();
        events.awaitDisconnected();
        for (int i = 1; i <= 10; i++) {
            server.publish("chat.room", "missed " + i);
        }
        reconnectNow();

        events.awaitConnected();
        Subscribed restored = room.awaitSubscribed(2);
        assertThat(restored.recovered()).isFalse();
        assertThat(restored.recoveredPublications()).isZero();
        assertThat(restored.position()).isNotNull();
        assertThat(restored.position().offset()).isEqualTo(11);
        server.publish("chat.room", "live");
        List<Publication> got = room.awaitPublications(2);
        assertThat(got).extracting(Publication::data).containsExactly("seen", "live");
        assertThat(got.get(1).position()).isEqualTo(restored.position().next());
    }

    @Test
    void aServerRestartedWithoutItsHistoryStartsANewEpochSoNothingIsRecovered() throws Exception {
        start(100);
        TetherClient client = connect(server.port());
        RecordingSubscription room = new RecordingSubscription();
        Subscribed first = result(client.subscribe("chat.room", room));
        server.publish("chat.room", "old");
        room.awaitPublications(1);

        int port = server.port();
        server.close(); // 1001: the client reconnects
        events.awaitDisconnected();
        start(port, 100, UnaryOperator.identity());
        reconnectNow();

        events.awaitConnected();
        Subscribed restored = room.awaitSubscribed(2);
        assertThat(restored.recovered()).isFalse();
        assertThat(restored.position()).isNotNull();
        assertThat(first.position()).isNotNull();
        assertThat(restored.position().epoch()).isNotEqualTo(first.position().epoch());
        assertThat(restored.position().offset()).isZero();
        server.publish("chat.room", "new");
        List<Publication> got = room.awaitPublications(2);
        assertThat(got).extracting(Publication::data).containsExactly("old", "new");
        assertThat(got.get(1).position())
                .isEqualTo(new StreamPosition(1, restored.position().epoch()));
    }

    @Test
    void publicationsASlowClientMissedWhileConnectedAreReportedAsAGapAndFetched() throws Exception {
        start(
                0,
                5000,
                b -> b.socketSendBufferBytes(16 << 10) // else the kernel buffers megabytes for the stalled reader
                        .writeBufferWaterMarks(16 << 10, 32 << 10)
                        .maxQueuedBytes(256 << 10)
                        .slowConsumerPolicy(SlowConsumerPolicy.DROP_NEWEST));
        TetherClient client = connect(server.port());
        CountDownLatch stalled = new CountDownLatch(1);
        CountDownLatch resume = new CountDownLatch(1);
        RecordingSubscription slow = new RecordingSubscription() {
            @Override
            public void onPublication(Publication publication) {
                super.onPublication(publication);
                if (stalled.getCount() > 0) {
                    stalled.countDown();
                    try {
                        resume.await(20, TimeUnit.SECONDS); // holds the client's event loop: it reads nothing
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        };
        result(client.subscribe("chat.slow", slow));
        String pad = "x".repeat(512);
        server.publish("chat.slow", Map.of("seq", 1, "pad", pad));
        assertThat(stalled.await(10, TimeUnit.SECONDS)).isTrue();

        int seq = 1;
        while (server.stats().droppedNewest() == 0 && seq < 4000) {
            server.publish("chat.slow", Map.of("seq", ++seq, "pad", pad));
        }
        assertThat(server.stats().droppedNewest()).isPositive();
        resume.countDown();
        Session session = server.sessions().get(0);
        await().atMost(RecordingSubscription.TIMEOUT).until(() -> session.queuedBytes() == 0);
        server.publish("chat.slow", Map.of("seq", ++seq, "pad", pad)); // arrives, and shows the gap

        List<Publication> got = slow.awaitPublications(seq);
        assertThat(got).extracting(p -> ((Map<?, ?>) p.data()).get("seq")).isEqualTo(numbers(1, seq));
        assertThat(slow.events()).anyMatch(e -> e.startsWith("gap chat.slow expected "));
        Subscribed fetch = slow.subscribes().get(1);
        assertThat(fetch.recovered()).isTrue();
        assertThat(fetch.recoveredPublications()).isPositive();
        assertThat(client.state()).isEqualTo(ConnectionState.CONNECTED);
    }

    @Test
    void joinAndLeaveEventsAndPresence() throws Exception {
        start(100);
        TetherClient watcher = connect(server.port());
        String watcherId = server.sessions().get(0).id().toString();
        RecordingSubscription room = new RecordingSubscription();
        result(watcher.subscribe(
                "chat.room", SubscribeOptions.builder().joinLeave(true).build(), room));
        TetherClient other = connect(server.port());
        String otherId = server.sessions().stream()
                .map(s -> s.id().toString())
                .filter(id -> !id.equals(watcherId))
                .findFirst()
                .orElseThrow();

        result(other.subscribe("chat.room", p -> {}));
        room.awaitEvent("join chat.room " + otherId);
        List<PresenceMember> members = result(watcher.presence("chat.room"));
        result(other.unsubscribe("chat.room"));

        assertThat(members).extracting(PresenceMember::session).containsExactlyInAnyOrder(watcherId, otherId);
        room.awaitEvent("leave chat.room " + otherId);
        assertThat(room.publications()).isEmpty();
    }

    @Test
    void presenceOfAChannelThatTracksNoneIsInvalidParams() throws Exception {
        start(100);
        TetherClient client = connect(server.port());

        ExecutionException failure = org.junit.jupiter.api.Assertions.assertThrows(
                ExecutionException.class, () -> result(client.presence("news")));

        assertThat(failure.getCause())
                .isInstanceOfSatisfying(
                        RpcErrorException.class, e -> assertThat(e.errorCode()).isEqualTo(RpcErrorCode.INVALID_PARAMS));
    }

    @Test
    void aServerThatDoesNotLetClientsSubscribeFailsTheSubscribeAndRemembersNothing() throws Exception {
        server = TetherServer.builder()
                .host("127.0.0.1")
                .port(0)
                .handler(new TetherHandler() {})
                .build()
                .start();
        TetherClient client = connect(server.port());

        ExecutionException failure = org.junit.jupiter.api.Assertions.assertThrows(
                ExecutionException.class, () -> result(client.subscribe("chat.room", p -> {})));

        assertThat(failure.getCause())
                .isInstanceOfSatisfying(
                        RpcErrorException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(RpcErrorCode.METHOD_NOT_FOUND));
        assertThat(client.subscribedChannels()).isEmpty();
    }

    @Test
    void aPatternOrAChannelSubscribedAlreadyIsRefusedAtOnce() throws Exception {
        start(100);
        TetherClient client = connect(server.port());
        result(client.subscribe("chat.room", p -> {}));

        assertThatThrownBy(() -> client.subscribe("chat.*", p -> {}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("channel: 'chat.*' (expected: a channel name");
        assertThatThrownBy(() -> client.subscribe("chat.room", p -> {}))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("channel: 'chat.room' (expected: one not subscribed yet");
    }
}
