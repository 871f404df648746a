package dev.tether.server;

import static dev.tether.testing.TestCalls.offsetOf;
import static dev.tether.testing.TestCalls.since;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.Packet;
import dev.tether.core.PacketSource;
import dev.tether.core.RpcResponse;
import dev.tether.testing.InMemoryBroker;
import dev.tether.testing.Message;
import dev.tether.testing.TestCalls;
import dev.tether.testing.TestWebSocketClient;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Tether's extension on one node and across nodes: positions on publications, recovery after a reconnect, honest
 * {@code recovered: false}, presence and its events, and webshocket.v1 clients that see nothing of it.
 */
class ChannelRecoveryTest {
    private final List<AutoCloseable> closeAfter = new ArrayList<>();
    private final Map<TestWebSocketClient, TestCalls> calls = new java.util.IdentityHashMap<>();

    @AfterEach
    void close() throws Exception {
        for (int i = closeAfter.size() - 1; i >= 0; i--) {
            closeAfter.get(i).close();
        }
    }

    private TetherServer server(TetherServer.Builder builder) {
        TetherServer server = builder.host("127.0.0.1")
                .handler(new TetherHandler() {})
                .port(0)
                .clientSubscriptions((session, name) -> true)
                .build()
                .start();
        closeAfter.add(server);
        return server;
    }

    private TetherServer node(InMemoryBroker.Hub hub) {
        return server(TetherServer.builder()
                .clusterBroker(hub.newBroker())
                .history("chat.*", 100, Duration.ofMinutes(5))
                .presence("chat.*")
                .presenceInfo(session -> session.attributes().get("user")));
    }

    private TestWebSocketClient connect(TetherServer server) {
        TestWebSocketClient client = TestWebSocketClient.connect(URI.create("ws://127.0.0.1:" + server.port() + "/"));
        closeAfter.add(client);
        return client;
    }

    /** One {@link TestCalls} per client, so its call ids never repeat on a connection. */
    private TestCalls calls(TestWebSocketClient client) {
        return calls.computeIfAbsent(client, TestCalls::new);
    }

    /** A call whose reply is returned; the packets that came before it go to {@code early}. */
    private RpcResponse call(
            TestWebSocketClient client, List<Packet> early, String method, Map<String, Object> kwargs, Object... args) {
        TestCalls c = calls(client);
        RpcResponse reply = c.call(method, kwargs, args);
        early.addAll(c.early());
        c.early().clear();
        return reply;
    }

    /** {@code subscribe} with the extension's keyword arguments; the packets that came before it go to {@code early}. */
    private Map<String, Object> subscribe(
            TestWebSocketClient client, List<Packet> early, String name, Map<String, Object> kwargs) {
        TestCalls c = calls(client);
        Map<String, Object> reply = c.subscribe(name, kwargs);
        early.addAll(c.early());
        c.early().clear();
        return reply;
    }

    @Test
    void aWebshocketClientSeesTheSixKeyPacketsOfAChannelWithHistory() {
        TetherServer server = server(TetherServer.builder().history("chat.*", 10, Duration.ofMinutes(1)));
        TestWebSocketClient client = connect(server);
        RpcResponse reply = call(client, new ArrayList<>(), "subscribe", Map.of(), "chat.lobby");
        assertThat(reply.response()).isEqualTo(true);

        server.publish("chat.lobby", Map.of("text", "hi"));

        Message message = client.awaitMessage();
        assertThat(new String(message.payload(), StandardCharsets.UTF_8))
                .isEqualTo("{\"source\":2,\"data\":{\"text\":\"hi\"},\"rpc\":null,\"channel\":\"chat.lobby\","
                        + "\"timestamp\":null,\"correlation_id\":null}");
    }

    @Test
    void positionsNumberEveryPublicationFromTheReply() {
        TetherServer server = server(TetherServer.builder().history("chat.*", 10, Duration.ofMinutes(1)));
        TestWebSocketClient client = connect(server);
        server.publish("chat.lobby", "before");

        Map<String, Object> reply = subscribe(client, new ArrayList<>(), "chat.lobby", Map.of("positions", true));
        server.publish("chat.lobby", "one");
        server.publish("chat.lobby", "two");

        assertThat(reply)
                .containsEntry("subscribed", true)
                .containsEntry("recoverable", true)
                .containsEntry("offset", 1);
        String epoch = (String) reply.get("epoch");
        Packet one = client.awaitPacket();
        Packet two = client.awaitPacket();
        assertThat(one.data()).isEqualTo("one");
        assertThat(one.extension()).isEqualTo(Map.of("offset", 2, "epoch", epoch));
        assertThat(offsetOf(two)).isEqualTo(3);
    }

    @Test
    void aClientThatComesBackRecoversWhatItMissedThenGoesLive() {
        TetherServer server = server(TetherServer.builder().history("chat.*", 10, Duration.ofMinutes(1)));
        TestWebSocketClient first = connect(server);
        Map<String, Object> reply = subscribe(first, new ArrayList<>(), "chat.lobby", Map.of("positions", true));
        String epoch = (String) reply.get("epoch");
        server.publish("chat.lobby", "seen");
        assertThat(offsetOf(first.awaitPacket())).isEqualTo(1);
        first.close();
        for (int i = 2; i <= 4; i++) {
            server.publish("chat.lobby", "missed " + i);
        }

        TestWebSocketClient back = connect(server);
        Map<String, Object> recovery = subscribe(back, new ArrayList<>(), "chat.lobby", since(1, epoch));
        server.publish("chat.lobby", "live");

        assertThat(recovery)
                .containsEntry("recovered", true)
                .containsEntry("offset", 4)
                .containsEntry("epoch", epoch);
        assertThat((List<?>) recovery.get("publications"))
                .extracting(p -> ((Map<?, ?>) p).get("offset"), p -> ((Map<?, ?>) p).get("data"))
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(2, "missed 2"),
                        org.assertj.core.groups.Tuple.tuple(3, "missed 3"),
                        org.assertj.core.groups.Tuple.tuple(4, "missed 4"));
        Packet live = back.awaitPacket();
        assertThat(live.data()).isEqualTo("live");
        assertThat(offsetOf(live)).isEqualTo(5);
    }

    @Test
    void historyTrimmedPastThePositionOrAnotherEpochIsNotRecovered() {
        TetherServer server = server(TetherServer.builder().history("chat.*", 3, Duration.ofMinutes(1)));
        TestWebSocketClient client = connect(server);
        String epoch = (String) subscribe(client, new ArrayList<>(), "chat.a", Map.of("positions", true))
                .get("epoch");
        for (int i = 1; i <= 10; i++) {
            server.publish("chat.a", i);
        }

        TestWebSocketClient trimmed = connect(server);
        Map<String, Object> gone = subscribe(trimmed, new ArrayList<>(), "chat.a", since(5, epoch));
        TestWebSocketClient inTime = connect(server);
        Map<String, Object> kept = subscribe(inTime, new ArrayList<>(), "chat.a", since(7, epoch));
        TestWebSocketClient otherEpoch = connect(server);
        Map<String, Object> restarted =
                subscribe(otherEpoch, new ArrayList<>(), "chat.a", since(9, "0000000000000000"));

        assertThat(gone)
                .containsEntry("recovered", false)
                .containsEntry("offset", 10)
                .containsEntry("publications", List.of());
        assertThat(kept).containsEntry("recovered", true);
        assertThat((List<?>) kept.get("publications")).hasSize(3);
        assertThat(restarted).containsEntry("recovered", false).containsEntry("epoch", epoch);
    }

    @Test
    void recoveryWhilePublicationsFlowLosesAndRepeatsNothing() throws Exception {
        TetherServer server = server(TetherServer.builder().history("chat.*", 5000, Duration.ofMinutes(1)));
        TestWebSocketClient first = connect(server);
        String epoch = (String) subscribe(first, new ArrayList<>(), "chat.flow", Map.of("positions", true))
                .get("epoch");
        int total = 3000;
        CompletableFuture<Void> publisher = CompletableFuture.runAsync(() -> {
            for (int i = 1; i <= total; i++) {
                server.publish("chat.flow", i);
            }
        });
        long seen = 0;
        while (seen < 200) {
            seen = offsetOf(first.awaitPacket());
        }
        first.close();

        TestWebSocketClient back = connect(server);
        List<Packet> early = new ArrayList<>();
        Map<String, Object> recovery = subscribe(back, early, "chat.flow", since(seen, epoch));
        publisher.get();

        assertThat(recovery).containsEntry("recovered", true);
        List<Long> offsets = new ArrayList<>();
        for (Object item : (List<?>) recovery.get("publications")) {
            offsets.add(((Number) ((Map<?, ?>) item).get("offset")).longValue());
        }
        long replyOffset = ((Number) recovery.get("offset")).longValue();
        List<Packet> live = new ArrayList<>(early);
        long last = replyOffset;
        for (Packet packet : early) {
            last = Math.max(last, offsetOf(packet));
        }
        while (last < total) {
            Packet packet = back.awaitPacket();
            live.add(packet);
            last = offsetOf(packet);
        }
        for (Packet packet : live) {
            if (offsetOf(packet) > replyOffset) { // a client drops those the reply already holds
                offsets.add(offsetOf(packet));
                assertThat(packet.data()).isEqualTo((int) offsetOf(packet));
            }
        }
        List<Long> expected = new ArrayList<>();
        for (long o = seen + 1; o <= total; o++) {
            expected.add(o);
        }
        assertThat(offsets).containsExactlyElementsOf(expected);
    }

    @Test
    void missedPublicationsTooLargeForOneAnswerAreNotRecovered() {
        TetherServer server = server(TetherServer.builder().history("chat.*", 100, Duration.ofMinutes(1)));
        TestWebSocketClient first = connect(server);
        String epoch = (String) subscribe(first, new ArrayList<>(), "chat.big", Map.of("positions", true))
                .get("epoch");
        first.close();
        String tenKib = "x".repeat(10 * 1024);
        for (int i = 0; i < 60; i++) { // 600 KiB missed: past the 512 KiB one answer carries
            server.publish("chat.big", tenKib);
        }

        Map<String, Object> recovery = subscribe(connect(server), new ArrayList<>(), "chat.big", since(0, epoch));

        assertThat(recovery).containsEntry("recovered", false).containsEntry("publications", List.of());
        assertThat(recovery).containsEntry("offset", 60);
    }

    @Test
    void malformedExtensionArgumentsAreInvalidParams() {
        TetherServer server = server(TetherServer.builder().history("chat.*", 3, Duration.ofMinutes(1)));
        TestWebSocketClient client = connect(server);
        List<Packet> early = new ArrayList<>();

        RpcResponse pattern = call(client, early, "subscribe", Map.of("positions", true), "chat.*");
        RpcResponse unknown = call(client, early, "subscribe", Map.of("rewind", 3), "chat.a");
        RpcResponse badSince =
                call(client, early, "subscribe", Map.of("since", Map.of("offset", -1, "epoch", "e")), "chat.a");
        RpcResponse badFlag = call(client, early, "subscribe", Map.of("positions", "yes"), "chat.a");

        assertThat(pattern.error()).isEqualTo(-32602);
        assertThat(String.valueOf(pattern.response())).contains("\"chat.*\" (expected: a channel name");
        assertThat(String.valueOf(unknown.response())).contains("unexpected keyword argument 'rewind'");
        assertThat(String.valueOf(badSince.response()))
                .contains("argument 'since'")
                .contains("offset");
        assertThat(String.valueOf(badFlag.response()))
                .contains("argument 'positions': \"yes\" (expected: true or false)");
        assertThat(server.stats().channels()).isZero();
        assertThat(early).isEmpty();
    }

    @Test
    void aChannelWithoutHistoryIsNotRecoverable() {
        TetherServer server = server(TetherServer.builder());
        TestWebSocketClient client = connect(server);

        Map<String, Object> reply = subscribe(client, new ArrayList<>(), "news", since(3, "abc"));
        server.publish("news", "plain");

        assertThat(reply)
                .containsEntry("recoverable", false)
                .containsEntry("recovered", false)
                .containsEntry("epoch", null);
        assertThat(client.awaitPacket().extension()).isNull();
    }

    @Test
    void publicationsOnOneNodeAreRecoveredOnAnother() {
        InMemoryBroker.Hub hub = new InMemoryBroker.Hub();
        closeAfter.add(hub);
        TetherServer a = node(hub);
        TetherServer b = node(hub);
        TestWebSocketClient onA = connect(a);
        String epoch = (String) subscribe(onA, new ArrayList<>(), "chat.room", Map.of("positions", true))
                .get("epoch");
        b.publish("chat.room", "from b");
        assertThat(offsetOf(onA.awaitPacket())).isEqualTo(1);
        onA.close();
        a.publish("chat.room", "missed on a");
        b.publish("chat.room", "missed on b");

        TestWebSocketClient onB = connect(b);
        Map<String, Object> recovery = subscribe(onB, new ArrayList<>(), "chat.room", since(1, epoch));

        assertThat(recovery).containsEntry("recovered", true).containsEntry("offset", 3);
        assertThat(field((List<?>) recovery.get("publications"), "data")).containsExactly("missed on a", "missed on b");
    }

    @Test
    void presenceIsSharedAcrossNodesWithJoinAndLeaveEvents() {
        InMemoryBroker.Hub hub = new InMemoryBroker.Hub();
        closeAfter.add(hub);
        TetherServer a = node(hub);
        TetherServer b = node(hub);
        TestWebSocketClient watcher = connect(b);
        List<Packet> events = new ArrayList<>();
        subscribe(watcher, events, "chat.room", Map.of("join_leave", true));
        Packet own = events.isEmpty() ? watcher.awaitPacket() : events.remove(0); // may come before the reply
        assertThat(own.extension()).containsKey("join");

        TestWebSocketClient ada = connect(a);
        RpcResponse named = call(ada, new ArrayList<>(), "subscribe", Map.of(), "chat.room");
        assertThat(named.response()).isEqualTo(true);
        Packet join = watcher.awaitPacket();
        RpcResponse members = call(watcher, events, "presence", Map.of(), "chat.room");
        ada.close();
        Packet leave = watcher.awaitPacket();

        assertThat(join.source()).isEqualTo(PacketSource.CHANNEL);
        assertThat(join.data()).isNull();
        @SuppressWarnings("unchecked")
        Map<String, Object> who = (Map<String, Object>) join.extension().get("join");
        assertThat((List<?>) members.response()).hasSize(2);
        assertThat(field((List<?>) members.response(), "session")).contains(who.get("session"));
        assertThat(leave.extension()).containsOnlyKeys("leave");
        assertThat(((Map<?, ?>) leave.extension().get("leave")).get("session")).isEqualTo(who.get("session"));
    }

    @Test
    void presenceOfAChannelThatTracksNoneIsInvalidParams() {
        TetherServer server = server(TetherServer.builder().presence("room.*"));
        TestWebSocketClient client = connect(server);

        RpcResponse reply = call(client, new ArrayList<>(), "presence", Map.of(), "news");

        assertThat(reply.error()).isEqualTo(-32602);
        assertThat(String.valueOf(reply.response())).contains("\"news\" (expected: a channel that tracks presence)");
    }

    private static List<@Nullable Object> field(List<?> maps, String key) {
        List<@Nullable Object> values = new ArrayList<>();
        for (Object map : maps) {
            values.add(((Map<?, ?>) map).get(key));
        }
        return values;
    }
}
