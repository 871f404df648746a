package dev.tether.cluster.nats;

import static dev.tether.cluster.nats.Stages.PATIENCE;
import static dev.tether.cluster.nats.Stages.join;
import static dev.tether.cluster.nats.Stages.packet;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tether.cluster.nats.RecordingInbound.Received;
import dev.tether.core.StreamPosition;
import dev.tether.core.TetherException;
import dev.tether.server.spi.HistoryEntry;
import dev.tether.server.spi.HistoryPage;
import dev.tether.server.spi.HistoryPolicy;
import dev.tether.server.spi.PresenceEntry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * NATS goes away and comes back: a private {@code nats-server} (file storage) is killed and started again on the
 * same port and store.
 */
class NatsBrokerOutageTest {
    private static final HistoryPolicy HISTORY = HistoryPolicy.of(100, Duration.ofMinutes(5));

    private NatsTestServer nats;
    private final List<NatsBroker> brokers = new ArrayList<>();

    @BeforeEach
    void startNats() throws Exception {
        nats = NatsTestServer.startPrivate();
    }

    @AfterEach
    void stop() throws Exception {
        for (NatsBroker broker : brokers) {
            join(broker.close());
        }
        nats.close();
    }

    /** A started broker on {@code url} that retries every 50 ms. */
    private NatsBroker broker(String url, int maxPending, RecordingInbound inbound) {
        NatsBroker broker = NatsBroker.builder(url)
                .prefix("outage")
                .maxPendingPublications(maxPending)
                .natsOptions(options -> options.reconnectWait(Duration.ofMillis(50)))
                .build();
        brokers.add(broker);
        join(broker.start(inbound));
        return broker;
    }

    @Test
    void heldPublicationsReachRestoredSubscriptionsInOrderWhenNatsIsBack() throws Exception {
        try (TcpProxy proxy = new TcpProxy(nats.port())) {
            RecordingInbound atB = new RecordingInbound();
            NatsBroker a = broker(proxy.url(), 100, new RecordingInbound());
            NatsBroker b = broker(nats.url(), 100, atB);
            join(b.interest("room", true));
            join(a.publish("room", packet("room", "before")));
            assertThat(atB.next().data()).isEqualTo("before");

            proxy.block(); // a stays away until b is back, so that b hears what a held
            nats.kill();
            await().atMost(PATIENCE)
                    .until(() -> !a.stats().connected() && !b.stats().connected());
            assertThat(a.isConnected()).isFalse(); // what GET /health/ready reads
            List<CompletableFuture<Void>> held = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                held.add(a.publish("room", packet("room", "held-" + i)).toCompletableFuture());
            }
            assertThat(held).noneMatch(CompletableFuture::isDone);
            assertThat(a.stats().held()).isEqualTo(3);

            nats.restart();
            await().atMost(PATIENCE).until(() -> b.stats().connected());
            join(b.interest("marker", true)); // completes once NATS has b's restored subscriptions too
            proxy.unblock();
            held.forEach(Stages::join);

            for (int i = 1; i <= 3; i++) {
                assertThat(atB.next()).isEqualTo(new Received("room", "held-" + i, null));
            }
            NatsBrokerStats stats = a.stats();
            assertThat(stats.connected()).isTrue();
            assertThat(stats.reconnects()).isEqualTo(1);
            assertThat(stats.published()).isEqualTo(4);
            assertThat(stats.held()).isZero();
            assertThat(stats.dropped()).isZero();
            assertThat(b.stats().reconnects()).isEqualTo(1);
            assertThat(b.stats().received()).isEqualTo(4);
            assertThat(a.isConnected()).isTrue();

            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            assertThat(a.bindTo(registry)).hasSize(6);
            assertThat(registry.get("tether.broker.published")
                            .tag("broker", "nats")
                            .functionCounter()
                            .count())
                    .isEqualTo(4);
            assertThat(registry.get("tether.broker.reconnects")
                            .functionCounter()
                            .count())
                    .isEqualTo(1);
            assertThat(registry.get("tether.broker.pending").gauge().value()).isZero();
        }
    }

    @Test
    void publicationsBeyondTheBoundAreDroppedCountedAndFailed() throws Exception {
        NatsBroker a = broker(nats.url(), 2, new RecordingInbound());
        nats.kill();
        await().atMost(PATIENCE).until(() -> !a.stats().connected());

        CompletableFuture<Void> first = a.publish("room", packet("room", 1)).toCompletableFuture();
        CompletableFuture<Void> second = a.publish("room", packet("room", 2)).toCompletableFuture();
        CompletableFuture<Void> third = a.publish("room", packet("room", 3)).toCompletableFuture();

        assertThat(third).isCompletedExceptionally();
        assertThat(third.handle((ok, error) -> error).join())
                .isInstanceOf(TetherException.class)
                .hasMessageContaining("maxPendingPublications");
        assertThat(a.stats().dropped()).isEqualTo(1);
        assertThat(a.stats().held()).isEqualTo(2);
        nats.restart();
        join(first);
        join(second);
        assertThat(a.stats().held()).isZero();
        assertThat(a.stats().dropped()).isEqualTo(1);
        assertThat(a.stats().published()).isEqualTo(2);
    }

    @Test
    void historySurvivesARestartInItsEpochAndAppendsHeldMeanwhileContinueIt() throws Exception {
        NatsBroker a = broker(nats.url(), 100, new RecordingInbound());
        StreamPosition last = null;
        for (int i = 1; i <= 3; i++) {
            last = join(a.publish("log", packet("log", i), HISTORY));
        }

        nats.kill();
        await().atMost(PATIENCE).until(() -> !a.stats().connected());
        CompletableFuture<StreamPosition> held =
                a.publish("log", packet("log", 4), HISTORY).toCompletableFuture();
        assertThat(held).isNotDone();
        nats.restart();

        assertThat(join(held)).isEqualTo(last.next());
        HistoryPage page = join(a.history("log", HISTORY, null, 10));
        assertThat(page.latest()).isEqualTo(new StreamPosition(4, last.epoch()));
        assertThat(page.publications())
                .extracting(HistoryEntry::position)
                .extracting(StreamPosition::offset)
                .containsExactly(1L, 2L, 3L, 4L);
        assertThat(RecordingInbound.data(page.publications().get(3).packet())).isEqualTo(4);
    }

    @Test
    void readsAndPresenceFailAtOnceWhileNatsIsDown() throws Exception {
        NatsBroker a = broker(nats.url(), 100, new RecordingInbound());
        nats.kill();
        await().atMost(PATIENCE).until(() -> !a.stats().connected());

        List<CompletionStage<?>> calls = List.of(
                a.history("log", HISTORY, null, 10),
                a.presence("lobby"),
                a.join("lobby", new PresenceEntry("s-1", new byte[] {(byte) 0xc0}), Duration.ofMinutes(1)));

        for (CompletionStage<?> call : calls) {
            assertThat(call.toCompletableFuture().handle((ok, error) -> error).join())
                    .hasMessageContaining("unreachable");
        }
    }
}
