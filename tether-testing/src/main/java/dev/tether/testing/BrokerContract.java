package dev.tether.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tether.core.Packet;
import dev.tether.core.PacketCodecs;
import dev.tether.core.StreamPosition;
import dev.tether.server.spi.ClusterBroker;
import dev.tether.server.spi.HistoryEntry;
import dev.tether.server.spi.HistoryPage;
import dev.tether.server.spi.HistoryPolicy;
import dev.tether.server.spi.PresenceEntry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link ClusterBroker} owes the server, as tests: a broker module's test class extends this
 * and says how to make the nodes of one cluster. Each test makes its own nodes, which must share nothing with other
 * tests' nodes (a key or subject prefix per {@link #newCluster()} call), so that runs on one broker do not meet.
 *
 * <pre>{@code
 * class RedisBrokerContractTest extends BrokerContract {
 *     protected Cluster newCluster() {
 *         String prefix = "test-" + UUID.randomUUID();
 *         return () -> RedisBroker.builder(REDIS_URI).prefix(prefix).build();
 *     }
 * }
 * }</pre>
 */
public abstract class BrokerContract {
    /** How long a test waits for something that must happen. */
    protected static final Duration PATIENCE = Duration.ofSeconds(10);

    private static final HistoryPolicy HISTORY = HistoryPolicy.of(100, Duration.ofMinutes(5));
    private final List<Node> nodes = new ArrayList<>();
    private @Nullable Cluster cluster;

    /** Makes the brokers of one cluster: every call of {@link Cluster#newBroker()} is one more node. */
    protected abstract Cluster newCluster();

    /** The brokers of one cluster. */
    @FunctionalInterface
    protected interface Cluster {
        ClusterBroker newBroker();
    }

    /** One started node: its broker, and what it received. */
    protected static final class Node implements ClusterBroker.Inbound {
        public final ClusterBroker broker;
        public final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
        /** Every positioned publication handed to this node, its own included, in arrival order. */
        public final BlockingQueue<Received> positioned = new LinkedBlockingQueue<>();

        public final List<String> presenceEvents = new CopyOnWriteArrayList<>();

        Node(ClusterBroker broker) {
            this.broker = broker;
        }

        @Override
        public void deliver(String channel, byte[] packet) {
            received.add(new Received(channel, data(packet), null));
        }

        @Override
        public void deliver(String channel, byte[] packet, StreamPosition position, boolean own) {
            Received publication = new Received(channel, data(packet), position);
            positioned.add(publication);
            if (!own) {
                received.add(publication);
            }
        }

        @Override
        public void presence(String channel, PresenceEntry entry, boolean joined) {
            presenceEvents.add(channel + (joined ? " +" : " -") + entry.session());
        }

        /** The next publication this node received. */
        public Received next() throws InterruptedException {
            Received next = received.poll(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(next).as("a publication within " + PATIENCE).isNotNull();
            return next;
        }

        private static @Nullable Object data(byte[] packet) {
            return PacketCodecs.msgpack().decode(packet).data();
        }
    }

    /** A publication a node received: its channel, the packet's data, and its position when it has one. */
    public record Received(
            String channel, @Nullable Object data, @Nullable StreamPosition position) {}

    /** A started node of this test's cluster. */
    protected Node node() {
        if (cluster == null) {
            cluster = newCluster();
        }
        Node node = new Node(cluster.newBroker());
        nodes.add(node);
        join(node.broker.start(node));
        return node;
    }

    @AfterEach
    void closeNodes() {
        for (Node node : nodes) {
            join(node.broker.close());
        }
    }

    /** Waits for {@code stage}, failing the test if it fails or takes longer than {@link #PATIENCE}. */
    protected static <T> T join(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("the broker did not answer: " + e, e);
        }
    }

    /** A CHANNEL packet's MessagePack bytes, as the server hands them to a broker. */
    protected static byte[] packet(String channel, Object data) {
        return PacketCodecs.msgpack().encode(Packet.channel(channel, data));
    }

    private static void publish(Node from, String channel, Object data) {
        join(from.broker.publish(channel, packet(channel, data)));
    }

    // ---- publications --------------------------------------------------------------------------------------

    @Test
    void publicationReachesInterestedNodesButNeverItsOwn() throws Exception {
        Node a = node();
        Node b = node();
        Node c = node();
        join(a.broker.interest("news", true));
        join(b.broker.interest("news", true));
        join(c.broker.interest("weather", true));

        publish(a, "news", "first");
        publish(a, "weather", "rain"); // after news on the same connection: c would have news by then

        assertThat(b.next()).isEqualTo(new Received("news", "first", null));
        assertThat(c.next()).isEqualTo(new Received("weather", "rain", null));
        assertThat(c.received).isEmpty();
        publish(b, "news", "marker");
        assertThat(a.next()).isEqualTo(new Received("news", "marker", null)); // a's own "first" never came back
    }

    @Test
    void patternInterestReceivesMatchingChannels() throws Exception {
        Node a = node();
        Node b = node();
        join(b.broker.interest("prices.*", true));

        publish(a, "news", "not for b");
        publish(a, "prices.EUR", 1.08);
        publish(a, "prices.fx.USD", 1.0);

        assertThat(b.next()).isEqualTo(new Received("prices.EUR", 1.08, null));
        assertThat(b.next()).isEqualTo(new Received("prices.fx.USD", 1.0, null));
    }

    @Test
    void publicationsOfOneChannelFromOneNodeArriveInOrder() throws Exception {
        Node a = node();
        Node b = node();
        join(b.broker.interest("ticks", true));
        List<CompletionStage<Void>> sent = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            sent.add(a.broker.publish("ticks", packet("ticks", i)));
        }
        sent.forEach(BrokerContract::join);

        for (int i = 0; i < 2000; i++) {
            assertThat(b.next().data()).isEqualTo(i);
        }
    }

    @Test
    void aNodeThatLostInterestReceivesNoMore() throws Exception {
        Node a = node();
        Node b = node();
        join(b.broker.interest("room", true));
        join(b.broker.interest("marker", true));
        publish(a, "room", "before");
        assertThat(b.next().data()).isEqualTo("before");

        join(b.broker.interest("room", false));
        publish(a, "room", "after");
        publish(a, "marker", "end");

        assertThat(b.next()).isEqualTo(new Received("marker", "end", null));
    }

    @Test
    void aClosedNodeReceivesNothing() throws Exception {
        Node a = node();
        Node b = node();
        Node c = node();
        join(b.broker.interest("room", true));
        join(c.broker.interest("room", true));
        join(b.broker.close());

        publish(a, "room", "after close");

        assertThat(c.next().data()).isEqualTo("after close");
        assertThat(b.received).isEmpty();
    }

    // ---- history -------------------------------------------------------------------------------------------

    @Test
    void historyPositionsAreContiguousAndReachOtherNodes() throws Exception {
        assumeTrue(node().broker.keepsHistory(), "the broker keeps history");
        Node a = node();
        Node b = node();
        join(b.broker.interest("chat", true));
        StreamPosition before =
                join(a.broker.history("chat", HISTORY, null, 100)).latest();

        List<StreamPosition> positions = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            positions.add(join(a.broker.publish("chat", packet("chat", "m" + i), HISTORY)));
        }

        assertThat(before.offset()).isZero();
        for (int i = 0; i < 5; i++) {
            assertThat(positions.get(i)).isEqualTo(new StreamPosition(i + 1, before.epoch()));
            assertThat(b.next()).isEqualTo(new Received("chat", "m" + (i + 1), positions.get(i)));
        }
        HistoryPage page = join(b.broker.history("chat", HISTORY, positions.get(1), 100));
        assertThat(page.latest()).isEqualTo(positions.get(4));
        assertThat(page.publications())
                .extracting(HistoryEntry::position)
                .containsExactlyElementsOf(positions.subList(2, 5));
        assertThat(Node.data(page.publications().get(0).packet())).isEqualTo("m3");
        assertThat(join(b.broker.history("chat", HISTORY, null, 2)).publications())
                .extracting(HistoryEntry::position)
                .containsExactly(positions.get(0), positions.get(1));
    }

    @Test
    void concurrentPublishersOnTwoNodesGetEveryOffsetOnce() throws Exception {
        assumeTrue(node().broker.keepsHistory(), "the broker keeps history");
        Node a = node();
        Node b = node();
        Node c = node();
        for (Node n : List.of(a, b, c)) {
            join(n.broker.interest("race", true));
        }
        List<CompletionStage<StreamPosition>> stages = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            stages.add(a.broker.publish("race", packet("race", "a" + i), HISTORY));
            stages.add(b.broker.publish("race", packet("race", "b" + i), HISTORY));
        }

        List<Long> offsets = new ArrayList<>();
        List<Long> fromA = new ArrayList<>();
        for (int i = 0; i < stages.size(); i++) {
            long offset = join(stages.get(i)).offset();
            offsets.add(offset);
            if (i % 2 == 0) {
                fromA.add(offset);
            }
        }

        assertThat(offsets).doesNotHaveDuplicates().hasSize(400).allMatch(o -> o >= 1 && o <= 400);
        assertThat(fromA).isSorted(); // one node's publications keep their order
        for (Node n : List.of(a, b, c)) { // every node sees all 400, its own too, in offset order
            List<Long> seen = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                Received next = n.positioned.poll(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
                assertThat(next).as("positioned publication %s of 400", i + 1).isNotNull();
                seen.add(java.util.Objects.requireNonNull(next.position()).offset());
            }
            assertThat(seen).containsExactlyElementsOf(offsets.stream().sorted().toList());
        }
    }

    @Test
    void historyKeepsTheNewestSizeAndTheLatestPositionAfterTrimming() throws Exception {
        assumeTrue(node().broker.keepsHistory(), "the broker keeps history");
        Node a = node();
        HistoryPolicy small = HistoryPolicy.of(3, Duration.ofMinutes(5));
        StreamPosition last = join(a.broker.publish("trim", packet("trim", 1), small));
        for (int i = 2; i <= 10; i++) {
            last = join(a.broker.publish("trim", packet("trim", i), small));
        }

        HistoryPage page = join(a.broker.history("trim", small, new StreamPosition(2, last.epoch()), 100));

        assertThat(page.latest()).isEqualTo(last);
        assertThat(page.publications()).extracting(e -> e.position().offset()).containsExactly(8L, 9L, 10L);
    }

    @Test
    void expiredPublicationsLeaveTheHistoryButNotThePosition() throws Exception {
        assumeTrue(node().broker.keepsHistory(), "the broker keeps history");
        Node a = node();
        HistoryPolicy brief = new HistoryPolicy(10, Duration.ofSeconds(1), Duration.ofMinutes(5));
        StreamPosition last = join(a.broker.publish("brief", packet("brief", "x"), brief));

        await().atMost(PATIENCE)
                .until(() -> join(a.broker.history("brief", brief, null, 10))
                        .publications()
                        .isEmpty());
        HistoryPage page = join(a.broker.history("brief", brief, null, 10));

        assertThat(page.latest()).isEqualTo(last);
        assertThat(join(a.broker.publish("brief", packet("brief", "y"), brief))).isEqualTo(last.next());
    }

    // ---- presence ------------------------------------------------------------------------------------------

    @Test
    void presenceIsSharedAndJoinAndLeaveReachInterestedNodes() throws Exception {
        assumeTrue(node().broker.keepsPresence(), "the broker keeps presence");
        Node a = node();
        Node b = node();
        Node c = node();
        join(c.broker.interest("lobby", true));
        PresenceEntry ada = new PresenceEntry("s-ada", packet("lobby", "ada"));
        PresenceEntry bob = new PresenceEntry("s-bob", new byte[] {(byte) 0xc0});

        assertThat(join(a.broker.join("lobby", ada, Duration.ofMinutes(1)))).isTrue();
        assertThat(join(a.broker.join("lobby", ada, Duration.ofMinutes(1)))).isFalse(); // a refresh
        assertThat(join(b.broker.join("lobby", bob, Duration.ofMinutes(1)))).isTrue();

        List<PresenceEntry> present = join(c.broker.presence("lobby"));
        assertThat(present).extracting(PresenceEntry::session).containsExactlyInAnyOrder("s-ada", "s-bob");
        assertThat(present.stream()
                        .filter(e -> e.session().equals("s-ada"))
                        .findFirst()
                        .orElseThrow()
                        .info())
                .isEqualTo(ada.info());
        assertThat(join(b.broker.leave("lobby", bob))).isTrue();
        assertThat(join(b.broker.leave("lobby", bob))).isFalse();
        await().atMost(PATIENCE)
                .untilAsserted(() ->
                        assertThat(c.presenceEvents).containsExactly("lobby +s-ada", "lobby +s-bob", "lobby -s-bob"));
        assertThat(join(a.broker.presence("lobby")))
                .extracting(PresenceEntry::session)
                .containsExactly("s-ada");
    }

    @Test
    void presenceNotRefreshedExpires() throws Exception {
        assumeTrue(node().broker.keepsPresence(), "the broker keeps presence");
        Node a = node();
        Node b = node();
        join(a.broker.join("gone", new PresenceEntry("s-1", new byte[] {(byte) 0xc0}), Duration.ofSeconds(1)));
        join(a.broker.join("gone", new PresenceEntry("s-2", new byte[] {(byte) 0xc0}), Duration.ofMinutes(1)));

        await().atMost(PATIENCE)
                .untilAsserted(() -> assertThat(join(b.broker.presence("gone")))
                        .extracting(PresenceEntry::session)
                        .containsExactly("s-2"));
    }
}
