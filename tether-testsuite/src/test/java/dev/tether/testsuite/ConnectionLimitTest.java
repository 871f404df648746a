package dev.tether.testsuite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.CloseCodes;
import dev.tether.server.CloseStatus;
import dev.tether.server.Session;
import dev.tether.server.TetherHandler;
import dev.tether.testing.HandshakeException;
import dev.tether.testing.HandshakeResponse;
import dev.tether.testing.RecordingHandler;
import dev.tether.testing.TestWebSocketClient;
import dev.tether.testing.TetherServerExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code maxConnections}: a handshake over the limit gets 503, and racing handshakes never get past it. */
class ConnectionLimitTest {
    private static final int LIMIT = 5;

    final AtomicInteger open = new AtomicInteger();
    final AtomicInteger mostOpen = new AtomicInteger();
    final RecordingHandler handler = new RecordingHandler(new TetherHandler() {
        @Override
        public void onConnect(Session session) {
            mostOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
        }

        @Override
        public void onDisconnect(Session session, CloseStatus status) {
            open.decrementAndGet();
        }
    });

    @RegisterExtension
    final TetherServerExtension server =
            TetherServerExtension.of(b -> b.handler(handler).maxConnections(LIMIT));

    @Test
    void handshakeOverTheLimitGets503WithTheWebshocketBody() {
        List<TestWebSocketClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < LIMIT; i++) {
                clients.add(TestWebSocketClient.connect(server.uri()));
            }

            HandshakeResponse refused =
                    TestWebSocketClient.builder(server.uri()).expectRejection();

            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.bodyText()).isEqualTo("Server is full, try again later.");
            assertThat(refused.bodyText()).isEqualTo(CloseCodes.SERVER_FULL);
        } finally {
            clients.forEach(TestWebSocketClient::close);
        }
    }

    @Test
    void closedSessionFreesItsSlot() {
        List<TestWebSocketClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < LIMIT; i++) {
                clients.add(TestWebSocketClient.connect(server.uri()));
                handler.awaitConnect();
            }
            clients.remove(0).close();
            handler.awaitDisconnect();

            clients.add(TestWebSocketClient.connect(server.uri()));

            assertThat(handler.awaitConnect()).isNotNull();
        } finally {
            clients.forEach(TestWebSocketClient::close);
        }
    }

    @Test
    void concurrentHandshakesNeverExceedTheLimit() throws Exception {
        int attempts = 4 * LIMIT;
        ExecutorService pool = Executors.newFixedThreadPool(attempts);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Object>> results = new ArrayList<>();
        try {
            for (int i = 0; i < attempts; i++) {
                results.add(pool.submit(() -> {
                    go.await();
                    try {
                        return TestWebSocketClient.builder(server.uri()).connect();
                    } catch (HandshakeException e) {
                        return e.response();
                    }
                }));
            }
            go.countDown();

            List<TestWebSocketClient> connected = new ArrayList<>();
            List<Integer> refusals = new ArrayList<>();
            for (Future<Object> result : results) {
                Object outcome = result.get(10, TimeUnit.SECONDS);
                if (outcome instanceof TestWebSocketClient client) {
                    connected.add(client);
                } else {
                    refusals.add(((HandshakeResponse) outcome).status());
                }
            }
            try {
                for (int i = 0; i < connected.size(); i++) {
                    handler.awaitConnect();
                }
                assertThat(connected).hasSize(LIMIT);
                assertThat(refusals).hasSize(attempts - LIMIT).containsOnly(503);
                assertThat(mostOpen.get()).isLessThanOrEqualTo(LIMIT); // recorded before the delegate runs: may lag
                assertThat(server.server().connectionCount()).isEqualTo(LIMIT);
            } finally {
                connected.forEach(TestWebSocketClient::close);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
