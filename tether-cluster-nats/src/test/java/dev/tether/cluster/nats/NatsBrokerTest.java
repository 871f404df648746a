package dev.tether.cluster.nats;

import static dev.tether.cluster.nats.Stages.PATIENCE;
import static dev.tether.cluster.nats.Stages.join;
import static dev.tether.cluster.nats.Stages.packet;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.tether.cluster.nats.RecordingInbound.Received;
import dev.tether.core.StreamPosition;
import dev.tether.server.spi.HistoryEntry;
import dev.tether.server.spi.HistoryPolicy;
import dev.tether.server.spi.PresenceEntry;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What the NATS broker does beyond the contract every broker keeps, against the NATS server at 127.0.0.1:4222. */
class NatsBrokerTest {
    private static final HistoryPolicy HISTORY = HistoryPolicy.of(100, Duration.ofMinutes(5));
    private static final byte[] NIL = {(byte) 0xc0};

    private final NatsTestServer nats = NatsTestServer.shared();
    private final String prefix = NatsTestServer.uniquePrefix();
    private final List<NatsBroker> brokers = new ArrayList<>();

    @AfterEach
    void closeBrokers() throws Exception {
        for (NatsBroker broker : brokers) {
            join(broker.close());
        }
        nats.deleteStreams(prefix);
    }

    private NatsBroker broker(RecordingInbound inbound) {
        NatsBroker broker = NatsBroker.builder(nats.url()).prefix(prefix).build();
        brokers.add(broker);
        join(broker.start(inbound));
        return broker;
    }

    @Test
    void overlappingInterestsDeliverEachPublicationOnce() throws Exception {
        NatsBroker a = broker(new RecordingInbound());
        RecordingInbound atB = new RecordingInbound();
        NatsBroker b = broker(atB);
        join(b.interest("marker", true));
        join(b.interest("news.sport", true));
        join(b.interest("news.*", true));
        join(b.interest("news.s?ort", true));

        publish(a, "news.sport", 1);
        join(b.interest("news.*", false)); // the exact subscription delivers from now on
        publish(a, "news.sport", 2);
        join(b.interest("news.sport", false)); // and now the filtered news.> of news.s?ort
        publish(a, "news.sport", 3);
        publish(a, "marker", "end");

        assertThat(atB.next()).isEqualTo(new Received("news.sport", 1, null));
        assertThat(atB.next()).isEqualTo(new Received("news.sport", 2, null));
        assertThat(atB.next()).isEqualTo(new Received("news.sport", 3, null));
        assertThat(atB.next()).isEqualTo(new Received("marker", "end", null));
    }

    @Test
    void aPatternNatsCannotExpressIsFilteredLocally() throws Exception {
        NatsBroker a = broker(new RecordingInbound());
        RecordingInbound atB = new RecordingInbound();
        NatsBroker b = broker(atB);
        join(b.interest("rooms.?", true));
        join(b.interest("a.*.c", true));

        publish(a, "rooms.ab", "no: two characters");
        publish(a, "rooms.a", "yes");
        publish(a, "a.b.d", "no: ends in d");
        publish(a, "a.b.x.c", "yes: * spans dots");

        assertThat(atB.next()).isEqualTo(new Received("rooms.a", "yes", null));
        assertThat(atB.next()).isEqualTo(new Received("a.b.x.c", "yes: * spans dots", null));
        assertThat(atB.received).isEmpty();
    }

    @Test
    void channelNamesThatAreNotSubjectsTravelAsTheyAre() throws Exception {
        NatsBroker a = broker(new RecordingInbound());
        RecordingInbound atB = new RecordingInbound();
        NatsBroker b = broker(atB);
        join(b.interest("chat room.1", true));
        join(b.interest("ünï", true));
        join(b.interest("odd.*", true));

        for (String channel : List.of("chat room.1", "ünï", "odd.", "odd.x y", "odd..z", "odd.>")) {
            publish(a, channel, channel);
        }

        for (String channel : List.of("chat room.1", "ünï", "odd.", "odd.x y", "odd..z", "odd.>")) {
            assertThat(atB.next()).isEqualTo(new Received(channel, channel, null));
        }
    }

    @Test
    void aPublicationWithoutHistoryWaitsForTheOnesWithHistoryBeforeIt() throws Exception {
        NatsBroker a = broker(new RecordingInbound());
        RecordingInbound atB = new RecordingInbound();
        NatsBroker b = broker(atB);
        join(b.interest("mixed", true));
        // b settles the channel's offsets on its first positioned publication (PositionOrder.SETTLE_MILLIS)
        StreamPosition first = join(a.publish("mixed", packet("mixed", "first"), HISTORY));
        assertThat(atB.next()).isEqualTo(new Received("mixed", "first", first));

        CompletionStage<StreamPosition> stored = a.publish("mixed", packet("mixed", "kept"), HISTORY);
        CompletionStage<Void> plain = a.publish("mixed", packet("mixed", "not kept"));
        join(plain);

        assertThat(atB.next()).isEqualTo(new Received("mixed", "kept", join(stored)));
        assertThat(atB.next()).isEqualTo(new Received("mixed", "not kept", null));
    }

    @Test
    void aPositionOfAnotherEpochGetsEverythingKept() throws Exception {
        NatsBroker a = broker(new RecordingInbound());
        for (int i = 1; i <= 3; i++) {
            join(a.publish("log", packet("log", i), HISTORY));
        }

        List<HistoryEntry> page = join(a.history("log", HISTORY, new StreamPosition(2, "another-epoch"), 10))
                .publications();

        assertThat(page).extracting(entry -> entry.position().offset()).containsExactly(1L, 2L, 3L);
    }

    @Test
    void historyLivesInAFileStreamPerPolicy() throws Exception {
        NatsBroker a = broker(new RecordingInbound());
        join(a.publish("log", packet("log", 1), HistoryPolicy.of(7, Duration.ofSeconds(30))));

        StreamConfiguration stream =
                nats.jsm().getStreamInfo(prefix + "_h_7_30000_86400000").getConfiguration();
        assertThat(stream.getSubjects()).containsExactly(prefix + ".h.7_30000_86400000.>");
        assertThat(stream.getMaxMsgsPerSubject()).isEqualTo(7);
        assertThat(stream.getMaxAge()).isEqualTo(Duration.ofSeconds(30));
        assertThat(stream.getStorageType()).isEqualTo(StorageType.File);
        StreamConfiguration positions = nats.jsm()
                .getStreamInfo("KV_" + prefix + "_hp_7_30000_86400000")
                .getConfiguration();
        assertThat(positions.getMaxAge()).isEqualTo(Duration.ofDays(1));
    }

    @Test
    void historyDeletedBehindTheBrokersBackFailsOneAppendThenStartsANewEpoch() throws Exception {
        NatsBroker a = broker(new RecordingInbound());
        StreamPosition first = join(a.publish("log", packet("log", 1), HISTORY));
        nats.deleteStreams(prefix);

        assertThat(a.publish("log", packet("log", 2), HISTORY).toCompletableFuture())
                .failsWithin(PATIENCE);
        StreamPosition again = join(a.publish("log", packet("log", 3), HISTORY));

        assertThat(again.offset()).isEqualTo(1);
        assertThat(again.epoch()).isNotEqualTo(first.epoch());
    }

    @Test
    void aJoinAfterTheEntryExpiredIsNewAgain() throws Exception {
        NatsBroker a = broker(new RecordingInbound());
        PresenceEntry ada = new PresenceEntry("s-ada", NIL);
        assertThat(join(a.join("lobby", ada, Duration.ofMillis(500)))).isTrue();

        await().atMost(PATIENCE).until(() -> join(a.presence("lobby")).isEmpty());

        assertThat(join(a.join("lobby", ada, Duration.ofMinutes(1)))).isTrue();
        assertThat(join(a.leave("lobby", ada))).isTrue();
    }

    @Test
    void aClusterWhereNobodyJoinedHasNobodyToLeave() {
        NatsBroker a = broker(new RecordingInbound());

        assertThat(join(a.presence("lobby"))).isEmpty();
        assertThat(join(a.leave("lobby", new PresenceEntry("s-1", NIL)))).isFalse();
    }

    @Test
    void thePresenceBucketKeepsEntriesForTheLongestTtlAskedFor() throws Exception {
        NatsBroker a = broker(new RecordingInbound());
        join(a.join("short", new PresenceEntry("s-1", NIL), Duration.ofSeconds(2)));
        join(a.join("long", new PresenceEntry("s-2", NIL), Duration.ofMinutes(3)));
        join(a.join("short", new PresenceEntry("s-3", NIL), Duration.ofSeconds(2)));

        StreamConfiguration bucket =
                nats.jsm().getStreamInfo("KV_" + prefix + "_presence").getConfiguration();
        assertThat(bucket.getMaxAge()).isEqualTo(Duration.ofMinutes(3));
    }

    @Test
    void statsCountPublishedAndReceived() throws Exception {
        NatsBroker a = broker(new RecordingInbound());
        RecordingInbound atB = new RecordingInbound();
        NatsBroker b = broker(atB);
        join(b.interest("room", true));

        publish(a, "room", 1);
        join(a.publish("room", packet("room", 2), HISTORY));
        atB.next();
        atB.next();

        NatsBrokerStats stats = a.stats();
        assertThat(stats.connected()).isTrue();
        assertThat(stats.published()).isEqualTo(2);
        assertThat(stats.held()).isZero();
        assertThat(stats.dropped()).isZero();
        assertThat(stats.reconnects()).isZero();
        assertThat(b.stats().received()).isEqualTo(2);
    }

    @Test
    void settingsAreCheckedOnEntry() {
        assertThatThrownBy(() -> NatsBroker.builder(" ")).hasMessageContaining("natsUrl");
        assertThatThrownBy(() -> NatsBroker.builder("nats://x").prefix("a.b")).hasMessageContaining("prefix");
        assertThatThrownBy(() -> NatsBroker.builder("nats://x").maxPendingPublications(0))
                .hasMessage("maxPendingPublications: 0 (expected: >= 1)");
        assertThatThrownBy(() -> NatsBroker.builder("nats://x").requestTimeout(Duration.ZERO))
                .hasMessage("requestTimeout: PT0S (expected: > 0)");
        assertThatThrownBy(() -> NatsBroker.builder("nats://x").replicas(0)).hasMessageContaining("replicas");
        assertThatThrownBy(() -> NatsBroker.builder("no scheme here").build())
                .isInstanceOf(IllegalArgumentException.class);
        NatsBroker broker = NatsBroker.builder("nats://127.0.0.1:4222")
                .prefix("p")
                .maxPendingPublications(5)
                .build();
        assertThat(broker.toBuilder().build().maxPendingPublications()).isEqualTo(5);
        assertThat(broker.toBuilder().build().prefix()).isEqualTo("p");
    }

    private static void publish(NatsBroker from, String channel, Object data) {
        join(from.publish(channel, packet(channel, data)));
    }
}
