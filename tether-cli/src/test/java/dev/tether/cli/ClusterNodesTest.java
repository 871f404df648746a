package dev.tether.cli;

import static dev.tether.testing.TestCalls.offsetOf;
import static dev.tether.testing.TestCalls.since;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tether.core.Packet;
import dev.tether.core.RpcResponse;
import dev.tether.server.TetherHandler;
import dev.tether.server.TetherServer;
import dev.tether.testing.TestCalls;
import dev.tether.testing.TestWebSocketClient;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Three servers in one JVM joined by a real broker (the Redis and NATS on their standard loopback ports, which
 * scripts/ensure-services.sh starts): publish on one, receive on all, in order and with positions; recovery on
 * another node; trimmed history; presence. Each test has its own prefix, and removes what it wrote.
 */
class ClusterNodesTest {
    private final String prefix = "test_" + UUID.randomUUID().toString().substring(0, 8);
    private final List<AutoCloseable> closeAfter = new ArrayList<>();
    private String brokerUri = "";

    @AfterEach
    void close() throws Exception {
        for (int i = closeAfter.size() - 1; i >= 0; i--) {
            closeAfter.get(i).close();
        }
        Brokers.removeKeys(brokerUri, prefix);
    }

    private List<TetherServer> nodes(String uri, int count) {
        brokerUri = uri;
        List<TetherServer> nodes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            TetherServer server = TetherServer.builder()
                    .host("127.0.0.1")
                    .port(0)
                    .handler(new TetherHandler() {})
                    .clientSubscriptions((session, name) -> true)
                    .clusterBroker(Brokers.open(uri, prefix))
                    .history("small.*", 3, Duration.ofMinutes(1))
                    .history("*", 1000, Duration.ofMinutes(1))
                    .presence("room.*")
                    .build()
                    .start();
            closeAfter.add(server);
            nodes.add(server);
        }
        return nodes;
    }

    private TestCalls connect(TetherServer server) {
        TestWebSocketClient client = TestWebSocketClient.connect(URI.create("ws://127.0.0.1:" + server.port() + "/"));
        closeAfter.add(client);
        return new TestCalls(client);
    }

    @ParameterizedTest
    @ValueSource(strings = {"redis://127.0.0.1:6379", "nats://127.0.0.1:4222"})
    void aPublicationOnOneNodeReachesEveryNodeInOrderWithContiguousPositions(String uri) {
        List<TetherServer> nodes = nodes(uri, 3);
        List<TestCalls> subscribers = new ArrayList<>();
        List<TestCalls> plain = new ArrayList<>();
        for (TetherServer node : nodes) {
            TestCalls positioned = connect(node);
            positioned.subscribe("chat.order", Map.of("positions", true));
            subscribers.add(positioned);
            TestCalls webshocket = connect(node);
            assertThat(webshocket.call("subscribe", Map.of(), "chat.order").response())
                    .isEqualTo(true);
            plain.add(webshocket);
        }

        int count = 300;
        for (int i = 1; i <= count; i++) {
            nodes.get(i % 3).publish("chat.order", i); // publishers on every node
        }

        for (TestCalls subscriber : subscribers) {
            List<Packet> packets = new ArrayList<>(subscriber.early());
            while (packets.size() < count) {
                packets.add(subscriber.client().awaitPacket());
            }
            List<Long> offsets = new ArrayList<>();
            List<Object> fromNodeZero = new ArrayList<>();
            for (Packet packet : packets) {
                offsets.add(offsetOf(packet));
                if (((Integer) packet.data()) % 3 == 0) {
                    fromNodeZero.add(packet.data());
                }
            }
            assertThat(offsets).isSorted().doesNotHaveDuplicates().hasSize(count);
            assertThat(offsets.get(count - 1) - offsets.get(0)).isEqualTo(count - 1); // no hole
            assertThat(fromNodeZero).isSortedAccordingTo((a, b) -> Integer.compare((Integer) a, (Integer) b));
        }
        for (TestCalls webshocket : plain) {
            List<Object> data = new ArrayList<>();
            while (data.size() < count) {
                Packet packet = webshocket.client().awaitPacket();
                assertThat(packet.extension()).isNull();
                data.add(packet.data());
            }
            assertThat(data).containsExactlyInAnyOrderElementsOf(rangeOf(count));
        }
    }

    private static List<Object> rangeOf(int count) {
        List<Object> range = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            range.add(i);
        }
        return range;
    }

    @ParameterizedTest
    @ValueSource(strings = {"redis://127.0.0.1:6379", "nats://127.0.0.1:4222"})
    void aClientRecoversOnAnotherNodeWhatItMissed(String uri) {
        List<TetherServer> nodes = nodes(uri, 3);
        TestCalls first = connect(nodes.get(0));
        String epoch =
                (String) first.subscribe("chat.room", Map.of("positions", true)).get("epoch");
        TestCalls watcher = connect(nodes.get(2));
        watcher.subscribe("chat.room", Map.of("positions", true));
        nodes.get(1).publish("chat.room", "seen");
        assertThat(offsetOf(first.client().awaitPacket())).isEqualTo(1);
        first.client().close();
        nodes.get(0).publish("chat.room", "missed on 0");
        nodes.get(2).publish("chat.room", "missed on 2");
        long stored = 0;
        while (stored < 3) { // the broker stores them asynchronously: wait until the third has its position
            stored = offsetOf(watcher.client().awaitPacket());
        }

        TestCalls back = connect(nodes.get(1));
        Map<String, Object> recovery = back.subscribe("chat.room", since(1, epoch));

        assertThat(recovery).containsEntry("recovered", true).containsEntry("offset", 3);
        List<Object> data = new ArrayList<>();
        for (Object item : (List<?>) recovery.get("publications")) {
            data.add(((Map<?, ?>) item).get("data"));
        }
        assertThat(data).containsExactlyInAnyOrder("missed on 0", "missed on 2"); // two nodes: no order between them
    }

    @ParameterizedTest
    @ValueSource(strings = {"redis://127.0.0.1:6379", "nats://127.0.0.1:4222"})
    void historyTrimmedByAnotherNodeIsNotRecovered(String uri) {
        List<TetherServer> nodes = nodes(uri, 2);
        TestCalls first = connect(nodes.get(0));
        String epoch = (String)
                first.subscribe("small.room", Map.of("positions", true)).get("epoch");
        for (int i = 1; i <= 10; i++) {
            nodes.get(1).publish("small.room", i);
        }
        long last = 0;
        while (last < 10) { // the broker stores them asynchronously: wait until all ten have positions
            last = offsetOf(first.client().awaitPacket());
        }

        Map<String, Object> recovery = connect(nodes.get(0)).subscribe("small.room", since(2, epoch));

        assertThat(recovery).containsEntry("recovered", false).containsEntry("publications", List.of());
        assertThat(recovery).containsEntry("offset", 10);
    }

    @ParameterizedTest
    @ValueSource(strings = {"redis://127.0.0.1:6379", "nats://127.0.0.1:4222"})
    void presenceAndItsEventsSpanNodes(String uri) {
        List<TetherServer> nodes = nodes(uri, 2);
        TestCalls watcher = connect(nodes.get(1));
        watcher.subscribe("room.1", Map.of("join_leave", true));
        TestCalls member = connect(nodes.get(0));
        member.call("subscribe", Map.of(), "room.1");

        await().atMost(Duration.ofSeconds(10))
                .until(() -> nodes.get(1)
                                .presence("room.1")
                                .toCompletableFuture()
                                .join()
                                .size()
                        == 2);
        RpcResponse present = watcher.call("presence", Map.of(), "room.1");
        member.client().close();

        assertThat((List<?>) present.response()).hasSize(2);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> nodes.get(0)
                                .presence("room.1")
                                .toCompletableFuture()
                                .join()
                                .size()
                        == 1);
        List<String> events = new ArrayList<>();
        for (Packet packet : watcher.early()) {
            events.add(String.join(",", packet.extension().keySet()));
        }
        while (!events.contains("leave")) {
            events.add(
                    String.join(",", watcher.client().awaitPacket().extension().keySet()));
        }
        assertThat(events).containsExactly("join", "join", "leave");
    }
}
