package dev.tether.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.client.TetherClient;
import dev.tether.core.Packet;
import dev.tether.core.PacketSource;
import dev.tether.server.TetherServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link TetherClient}, the framework (MessagePack) client, against the demo server: it calls, streams and listens. */
class DemoClientTest {
    private static final long TIMEOUT_SECONDS = 10;

    private TetherServer server;
    private TetherClient client;

    @BeforeEach
    void startServerAndConnect() throws Exception {
        server = DemoServer.create("127.0.0.1", 0).start();
        client = connect();
    }

    @AfterEach
    void closeClientAndServer() throws Exception {
        try {
            client.close().toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } finally {
            server.close();
        }
    }

    private TetherClient connect() throws Exception {
        TetherClient c = TetherClient.create("ws://127.0.0.1:" + server.port() + "/");
        c.connect().toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        return c;
    }

    @Test
    void callsAdd() throws Exception {
        Object sum = client.call("add", 2, 40).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);

        assertThat(sum).isEqualTo(42);
    }

    @Test
    void whoamiSaysFramework() throws Exception {
        Object me = client.call("whoami").get(TIMEOUT_SECONDS, TimeUnit.SECONDS);

        assertThat(me).isInstanceOf(Map.class);
        assertThat(((Map<?, ?>) me).get("client_type")).isEqualTo("FRAMEWORK");
    }

    @Test
    void streamsCountInOrder() throws Exception {
        Collector items = new Collector();

        client.stream("count", 5).subscribe(items);

        assertThat(items.done.get(TIMEOUT_SECONDS, TimeUnit.SECONDS)).containsExactly(1, 2, 3, 4, 5);
    }

    @Test
    void joinsAndHearsWhatAnotherClientSays() throws Exception {
        BlockingQueue<Packet> heard = new LinkedBlockingQueue<>();
        client.onChannel("lobby", heard::add);
        assertThat(client.join("lobby").get(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isEqualTo(List.of("lobby"));
        TetherClient other = connect();
        try {
            other.call("login", "grace").get(TIMEOUT_SECONDS, TimeUnit.SECONDS);

            Object recipients = other.call("say", "lobby", "hi").get(TIMEOUT_SECONDS, TimeUnit.SECONDS);

            assertThat(recipients).isEqualTo(1);
            Packet packet = heard.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            assertThat(packet).isNotNull();
            assertThat(packet.source()).isEqualTo(PacketSource.CHANNEL);
            assertThat(packet.channel()).isEqualTo("lobby");
            assertThat(packet.data()).isEqualTo(Map.of("from", "grace", "text", "hi"));
        } finally {
            other.close().toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
    }

    /** Requests everything and completes {@link #done} with the items, or with the error. */
    private static final class Collector implements Flow.Subscriber<Object> {
        final CompletableFuture<List<Object>> done = new CompletableFuture<>();
        private final List<Object> items = new ArrayList<>();

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(Object item) {
            items.add(item);
        }

        @Override
        public void onError(Throwable error) {
            done.completeExceptionally(error);
        }

        @Override
        public void onComplete() {
            done.complete(List.copyOf(items));
        }
    }
}
