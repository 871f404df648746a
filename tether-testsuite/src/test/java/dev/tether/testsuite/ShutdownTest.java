package dev.tether.testsuite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.tether.core.CloseCodes;
import dev.tether.server.TetherServer;
import dev.tether.testing.CloseFrame;
import dev.tether.testing.RecordingHandler;
import dev.tether.testing.TestWebSocketClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code server.close()}: 1001 to every client, and back within the grace period. */
class ShutdownTest {
    final RecordingHandler handler = new RecordingHandler();

    @Test
    void closeSends1001ToEveryClient() {
        List<TestWebSocketClient> clients = new ArrayList<>();
        try (TetherServer server = Support.startServer(b -> b.handler(handler))) {
            for (int i = 0; i < 3; i++) {
                clients.add(TestWebSocketClient.connect(Support.uri(server)));
                handler.awaitConnect();
            }

            server.close();

            for (TestWebSocketClient client : clients) {
                CloseFrame close = client.awaitClose();
                assertThat(close.code()).isEqualTo(1001);
                assertThat(close.reason()).isEqualTo(CloseCodes.SERVER_SHUTTING_DOWN);
                client.awaitDisconnect();
            }
            for (int i = 0; i < 3; i++) {
                RecordingHandler.Disconnected disconnected = handler.awaitDisconnect();
                assertThat(disconnected.status().code()).isEqualTo(1001);
                assertThat(disconnected.status().byPeer()).isFalse();
            }
        } finally {
            clients.forEach(TestWebSocketClient::close);
        }
    }

    @Test
    void closeWithResourcesAreClosedInOrderAfterTheSessionsOnAThreadOfTheirOwn() throws Exception {
        List<String> closed = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.atomic.AtomicReference<dev.tether.server.Session> session =
                new java.util.concurrent.atomic.AtomicReference<>();
        TetherServer server = Support.startServer(b -> b.handler(handler)
                .closeWith(() -> closed.add("first on " + Thread.currentThread().getName() + " after "
                        + handler.disconnectCount(session.get())))
                .closeWith(() -> {
                    closed.add("second");
                    throw new IllegalStateException("a failing resource is logged, on purpose");
                })
                .closeWith(() -> closed.add("third")));
        try (TestWebSocketClient client = TestWebSocketClient.connect(Support.uri(server))) {
            session.set(handler.awaitConnect());

            server.close();

            assertThat(closed).containsExactly("first on tether-close after 1", "second", "third");
        }
    }

    @Test
    void closeRightAfterAHandshakeStillSends1001() {
        // No wait for onConnect: the client has its 101, so the session exists for it and must be closed properly.
        for (int attempt = 0; attempt < 20; attempt++) {
            TetherServer server = Support.startServer(b -> b.handler(new RecordingHandler()));
            try (TestWebSocketClient client = TestWebSocketClient.connect(Support.uri(server))) {
                server.close();

                assertThat(client.awaitClose().code())
                        .as("close code in attempt " + attempt)
                        .isEqualTo(1001);
            } finally {
                server.close();
            }
        }
    }

    @Test
    void closeRightAfterAHandshakeKeepsTheHandlerContract() {
        for (int attempt = 0; attempt < 20; attempt++) {
            RecordingHandler recorder = new RecordingHandler();
            TetherServer server = Support.startServer(b -> b.handler(recorder));
            TestWebSocketClient client = TestWebSocketClient.connect(Support.uri(server));
            server.close();
            client.awaitDisconnect();

            // Whatever the race, a session the handler heard of ends with exactly one onDisconnect after onConnect.
            await("every session seen by the handler has ended")
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> recorder.events().stream()
                            .filter(e -> e instanceof RecordingHandler.Connected)
                            .allMatch(e -> recorder.disconnectCount(e.session()) > 0));
            assertThat(recorder.contractViolations()).as("attempt " + attempt).isEmpty();
            client.close();
        }
    }

    @Test
    void closeReturnsWithinTheGracePeriodWhenClientsDoNotAnswer() {
        Duration grace = Duration.ofMillis(500);
        TetherServer server = Support.startServer(
                b -> b.handler(handler).shutdownGracePeriod(grace).closeTimeout(Duration.ofSeconds(30)));
        try (TestWebSocketClient mute = TestWebSocketClient.builder(Support.uri(server))
                .autoCloseReply(false)
                .connect()) {
            handler.awaitConnect();

            long start = System.nanoTime();
            server.close();
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            // Grace period, then shutting the I/O threads down (quiet period 0): well under a second more.
            assertThat(took).isLessThan(grace.plusSeconds(1));
            assertThat(mute.awaitClose().code()).isEqualTo(1001);
            mute.awaitDisconnect();
            assertThat(handler.awaitDisconnect().status().code()).isEqualTo(1001);
        } finally {
            server.close();
        }
    }

    @Test
    void closeDoesNotWaitOutTheGracePeriodWhenClientsAnswer() {
        Duration grace = Duration.ofSeconds(20);
        try (TetherServer server = Support.startServer(b -> b.handler(handler).shutdownGracePeriod(grace));
                TestWebSocketClient client = TestWebSocketClient.connect(Support.uri(server))) {
            handler.awaitConnect();

            long start = System.nanoTime();
            server.close();

            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            assertThat(client.awaitClose().code()).isEqualTo(1001);
        }
    }

    @Test
    void closedServerRefusesNewConnections() {
        TetherServer server = Support.startServer(b -> b.handler(handler));
        server.close();

        assertThatThrownBy(() -> TestWebSocketClient.connect(Support.uri(server)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Could not connect");
    }

    @Test
    void closeIsIdempotent() {
        TetherServer server = Support.startServer(b -> b.handler(handler));

        server.close();
        server.close();

        assertThat(server.connectionCount()).isZero();
    }
}
