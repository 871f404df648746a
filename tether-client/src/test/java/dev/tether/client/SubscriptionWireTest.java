package dev.tether.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.Packet;
import dev.tether.core.RpcErrorCode;
import dev.tether.core.RpcRequest;
import dev.tether.core.RpcResponse;
import dev.tether.core.StreamPosition;
import dev.tether.server.Session;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * Subscriptions against scripted answers: what the client does with each order of packets the protocol allows
 * (docs/protocol.md, "Tether's extension"), and with a server that has no extension. The test answers
 * {@code subscribe} by hand and sends positioned publications itself, so every order is exact.
 */
class SubscriptionWireTest extends TetherClientTestBase {
    private static final String EPOCH = "9f2c61d0a4b3e871";
    private static final String NEW_EPOCH = "0c1d2e3f40516273";
    private TetherClient subscriber;

    private Session serverSession() {
        return server.sessions().get(0);
    }

    private static Packet publication(String data, long offset, String epoch) {
        Map<String, Object> position = new LinkedHashMap<>();
        position.put("offset", offset);
        position.put("epoch", epoch);
        return Packet.channel("chat", data).withExtension(position);
    }

    private void send(Packet packet) {
        assertThat(serverSession().send(packet)).isTrue();
    }

    private void answer(RpcRequest request, Object result) {
        send(Packet.rpc(RpcResponse.result(request.callId(), result)));
    }

    private static Map<String, @Nullable Object> reply(
            long offset, String epoch, @Nullable Boolean recovered, Map<Long, String> publications) {
        Map<String, @Nullable Object> reply = new LinkedHashMap<>();
        reply.put("subscribed", true);
        reply.put("recoverable", true);
        reply.put("epoch", epoch);
        reply.put("offset", offset);
        if (recovered != null) {
            reply.put("recovered", recovered);
            reply.put(
                    "publications",
                    new TreeMap<>(publications)
                            .entrySet().stream()
                                    .map(e -> {
                                        Map<String, @Nullable Object> item = new LinkedHashMap<>();
                                        item.put("offset", e.getKey());
                                        item.put("data", e.getValue());
                                        item.put("timestamp", null);
                                        item.put("correlation_id", null);
                                        return item;
                                    })
                                    .toList());
        }
        return reply;
    }

    /**
     * Connects {@link #subscriber}, subscribed to {@code chat} with answers by hand: the first at {@code offset}, then the
     * live publication after it, delivered.
     */
    private RecordingSubscription subscribedAndLive(long offset) throws Exception {
        handler.answerSubscribe = false;
        subscriber = connected();
        RecordingSubscription chat = new RecordingSubscription();
        CompletableFuture<Subscribed> subscribed = subscriber.subscribe("chat", chat);
        answer(handler.take("subscribe"), reply(offset, EPOCH, null, Map.of()));
        await(subscribed);
        send(publication("live " + (offset + 1), offset + 1, EPOCH));
        chat.awaitPublications(1);
        return chat;
    }

    /** Sends {@code publication}, which does not follow the last one; returns the subscribe that fetches the rest. */
    private RpcRequest gapWith(Packet publication) throws InterruptedException {
        send(publication);
        return handler.take("subscribe");
    }

    @Test
    void aServerWithoutTheExtensionGivesAPlainSubscriptionRestoredWithoutRecovery() throws Exception {
        TetherClient client = connected();
        events.awaitConnected();
        RecordingSubscription news = new RecordingSubscription();

        Subscribed subscribed = await(client.subscribe("news", news));
        RpcRequest request = handler.take("subscribe");
        server.publish("news", "before");

        assertThat(request.args()).containsExactly("news");
        assertThat(request.kwargs()).containsExactly(Map.entry("positions", true));
        assertThat(subscribed).isEqualTo(new Subscribed("news", false, null, null, 0));
        Publication before = news.awaitPublications(1).get(0);
        assertThat(before.data()).isEqualTo("before");
        assertThat(before.position()).isNull();

        int port = server.port();
        server.close();
        events.awaitDisconnected();
        server = startServer(port);
        advanceToNextTask();
        events.awaitConnected();

        assertThat(handler.take("subscribe").kwargs()).doesNotContainKey("since");
        assertThat(news.awaitSubscribed(2)).isEqualTo(new Subscribed("news", false, null, false, 0));
        server.publish("news", "after");
        assertThat(news.awaitPublications(2)).extracting(Publication::data).containsExactly("before", "after");
    }

    @Test
    void publicationsThatOvertakeTheAnswerAreHeldAndThoseAtItsPositionDropped() throws Exception {
        handler.answerSubscribe = false;
        TetherClient client = connected();
        RecordingSubscription chat = new RecordingSubscription();

        CompletableFuture<Subscribed> subscribed = client.subscribe("chat", chat);
        RpcRequest request = handler.take("subscribe");
        send(publication("four", 4, EPOCH)); // published before the subscription started
        send(publication("five", 5, EPOCH)); // the first live one, ahead of the answer
        answer(request, reply(4, EPOCH, null, Map.of()));
        send(publication("six", 6, EPOCH));

        assertThat(await(subscribed).position()).isEqualTo(new StreamPosition(4, EPOCH));
        assertThat(chat.awaitPublications(2)).extracting(Publication::data).containsExactly("five", "six");
        assertThat(chat.events()).containsExactly("subscribed recovered=null missed=0");
    }

    @Test
    void aGapWhileConnectedIsReportedAndTheSkippedOnesAreFetchedBeforeTheRest() throws Exception {
        RecordingSubscription chat = subscribedAndLive(5);

        RpcRequest fetch = gapWith(publication("eight", 8, EPOCH)); // 7 went missing
        send(publication("nine", 9, EPOCH)); // live, held until the answer
        answer(fetch, reply(8, EPOCH, true, Map.of(7L, "seven", 8L, "eight")));
        send(publication("ten", 10, EPOCH));

        assertThat(fetch.kwargs())
                .containsEntry("positions", true)
                .containsEntry("since", Map.of("offset", 6, "epoch", EPOCH));
        assertThat(chat.awaitPublications(5))
                .extracting(Publication::data)
                .containsExactly("live 6", "seven", "eight", "nine", "ten");
        assertThat(chat.events())
                .containsExactly(
                        "subscribed recovered=null missed=0",
                        "gap chat expected 7 got 8",
                        "subscribed recovered=true missed=2");
        assertThat(chat.publications().get(1).packet().extension()).containsEntry("offset", 7);
    }

    @Test
    void aNewEpochWhileConnectedIsAGapThatIsNotRecovered() throws Exception {
        RecordingSubscription chat = subscribedAndLive(5);

        RpcRequest fetch = gapWith(publication("restarted 1", 1, NEW_EPOCH));
        answer(fetch, reply(1, NEW_EPOCH, false, Map.of()));
        send(publication("restarted 2", 2, NEW_EPOCH));

        assertThat(fetch.kwargs()).containsEntry("since", Map.of("offset", 6, "epoch", EPOCH));
        // Not recovered: the application reloads its state as of 1@NEW_EPOCH; what follows is live.
        assertThat(chat.awaitPublications(2)).extracting(Publication::data).containsExactly("live 6", "restarted 2");
        assertThat(chat.events())
                .containsExactly(
                        "subscribed recovered=null missed=0",
                        "gap chat expected 7 got 1 (new epoch)",
                        "subscribed recovered=false missed=0");
        assertThat(chat.subscribes().get(1).position()).isEqualTo(new StreamPosition(1, NEW_EPOCH));
    }

    @Test
    void beyondTheHoldingBoundTheNewestAreDroppedAndFetchedAtTheNextGap() throws Exception {
        handler.answerSubscribe = false;
        TetherClient client = client(config().subscriptionBufferPackets(2));
        await(client.connect());
        RecordingSubscription chat = new RecordingSubscription();

        CompletableFuture<Subscribed> subscribed = client.subscribe("chat", chat);
        RpcRequest request = handler.take("subscribe");
        for (int offset = 5; offset <= 8; offset++) {
            send(publication("p" + offset, offset, EPOCH)); // 7 and 8 do not fit
        }
        answer(request, reply(4, EPOCH, null, Map.of()));
        await(subscribed);
        RpcRequest fetch = gapWith(publication("p9", 9, EPOCH));
        answer(fetch, reply(9, EPOCH, true, Map.of(7L, "p7", 8L, "p8", 9L, "p9")));

        assertThat(fetch.kwargs()).containsEntry("since", Map.of("offset", 6, "epoch", EPOCH));
        assertThat(chat.awaitPublications(5))
                .extracting(Publication::data)
                .containsExactly("p5", "p6", "p7", "p8", "p9");
    }

    @Test
    void aFetchTheServerRefusesEndsTheSubscription() throws Exception {
        RecordingSubscription chat = subscribedAndLive(5);

        RpcRequest fetch = gapWith(publication("eight", 8, EPOCH));
        send(Packet.rpc(RpcResponse.error(
                fetch.callId(), RpcErrorCode.ACCESS_DENIED, "Access denied for channel 'chat'.", false)));

        assertThat(chat.awaitEvent("unsubscribed")).isEqualTo("unsubscribed chat: Access denied for channel 'chat'.");
        assertThat(subscriber.subscribedChannels()).isEmpty();
        assertThat(chat.data()).containsExactly("live 6");
    }
}
