package dev.tether.testsuite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.ManualClock;
import dev.tether.core.Packet;
import dev.tether.server.CloseStatus;
import dev.tether.server.Session;
import dev.tether.server.SessionState;
import dev.tether.server.TetherHandler;
import dev.tether.testing.Frame;
import dev.tether.testing.RecordingHandler;
import dev.tether.testing.TestWebSocketClient;
import dev.tether.testing.TetherServerExtension;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * However a session ends, the handler hears of it exactly once, after every packet, with the right status. Each
 * test ends by closing the server, which waits for every session, before counting the callbacks.
 */
class DisconnectTest {
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(2);

    final RecordingHandler handler = new RecordingHandler(new TetherHandler() {
        @Override
        public void onPacket(Session session, Packet packet) {
            if ("boom".equals(packet.data())) {
                throw new IllegalStateException("handler bug, on purpose");
            }
        }
    });

    // Time moves only when a test moves it: no keepalive timers, and the close timeout passes on request.
    final ManualClock clock = new ManualClock();

    @RegisterExtension
    final TetherServerExtension server = TetherServerExtension.of(b -> b.handler(handler)
            .clock(clock)
            .pingInterval(Duration.ZERO)
            .idleTimeout(Duration.ZERO)
            .closeTimeout(CLOSE_TIMEOUT));

    @Test
    void clientCloseEndsTheSessionOnce() {
        try (TestWebSocketClient client = TestWebSocketClient.connect(server.uri())) {
            Session session = handler.awaitConnect();
            client.sendClose(1000, "Client is closing the connection.");

            assertThat(client.awaitClose().code()).isEqualTo(1000);
            CloseStatus status = handler.assertDisconnected(session, 1000).status();
            assertThat(status.reason()).isEqualTo("Client is closing the connection.");
            assertThat(status.byPeer()).isTrue();
            assertEndedOnce(session);
        }
    }

    @Test
    void serverCloseEndsTheSessionOnce() {
        try (TestWebSocketClient client = TestWebSocketClient.connect(server.uri())) {
            Session session = handler.awaitConnect();
            session.close(4000, "done");

            assertThat(client.awaitClose().code()).isEqualTo(4000);
            assertThat(client.closeFrame().reason()).isEqualTo("done");
            CloseStatus status = handler.assertDisconnected(session, 4000).status();
            assertThat(status.byPeer()).isFalse();
            assertEndedOnce(session);
        }
    }

    @Test
    void serverCloseWithoutAnAnswerDropsTheConnectionAfterTheCloseTimeout() throws InterruptedException {
        try (TestWebSocketClient mute =
                TestWebSocketClient.builder(server.uri()).autoCloseReply(false).connect()) {
            Session session = handler.awaitConnect();
            session.close(1000, "");

            mute.awaitClose();
            assertThat(clock.awaitPendingTasks(1, Duration.ofSeconds(5)))
                    .as("close timer armed")
                    .isTrue();
            assertThat(clock.pendingDelays()).containsExactly(CLOSE_TIMEOUT);
            clock.advance(CLOSE_TIMEOUT);
            mute.awaitDisconnect();
            handler.assertDisconnected(session, 1000);
            assertEndedOnce(session);
        }
    }

    @Test
    void droppedConnectionEndsTheSessionOnceWith1006() {
        TestWebSocketClient client = TestWebSocketClient.connect(server.uri());
        Session session = handler.awaitConnect();

        client.dropConnection();

        assertThat(handler.assertDisconnected(session, 1006).status().byPeer()).isTrue();
        assertEndedOnce(session);
    }

    @Test
    void resetConnectionEndsTheSessionOnceWith1006() {
        TestWebSocketClient client = TestWebSocketClient.connect(server.uri());
        Session session = handler.awaitConnect();

        client.resetConnection();

        handler.assertDisconnected(session, 1006);
        assertEndedOnce(session);
    }

    @Test
    void protocolErrorEndsTheSessionOnce() {
        try (TestWebSocketClient client = TestWebSocketClient.connect(server.uri())) {
            Session session = handler.awaitConnect();
            client.send(new Frame(3, true, 0, new byte[0])); // a reserved opcode

            Support.assertFailedWith(client, 1002);
            assertThat(handler.assertDisconnected(session, 1002).status().byPeer())
                    .isFalse();
            assertEndedOnce(session);
        }
    }

    @Test
    void handlerErrorEndsTheSessionOnce() {
        try (TestWebSocketClient client = TestWebSocketClient.connect(server.uri())) {
            Session session = handler.awaitConnect();
            client.sendPacket(Packet.custom("boom"));

            Support.assertFailedWith(client, 1011);
            handler.assertDisconnected(session, 1011);
            assertEndedOnce(session);
        }
    }

    @Test
    void closeFromBothSidesAtOnceEndsTheSessionOnce() {
        try (TestWebSocketClient client = TestWebSocketClient.connect(server.uri())) {
            Session session = handler.awaitConnect();
            client.sendClose(1000, "client");
            session.close(1001, "server");

            client.awaitDisconnect();
            assertThat(handler.awaitDisconnect().status().code()).isIn(1000, 1001);
            assertEndedOnce(session);
        }
    }

    @Test
    void serverShutdownEndsEverySessionOnce() {
        try (TestWebSocketClient a = TestWebSocketClient.connect(server.uri());
                TestWebSocketClient b = TestWebSocketClient.connect(server.uri())) {
            Session first = handler.awaitConnect();
            Session second = handler.awaitConnect();

            server.server().close();

            assertThat(handler.awaitDisconnect().status().code()).isEqualTo(1001);
            assertThat(handler.awaitDisconnect().status().code()).isEqualTo(1001);
            assertEndedOnce(first);
            assertEndedOnce(second);
        }
    }

    @Test
    void packetSentRightBeforeCloseIsHandledBeforeOnDisconnect() {
        try (TestWebSocketClient client = TestWebSocketClient.connect(server.uri())) {
            Session session = handler.awaitConnect();
            client.send(Frame.text("{\"source\":4,\"data\":\"last words\"}"), Frame.close(1000, ""));

            assertThat(handler.awaitPacket().packet().data()).isEqualTo("last words");
            handler.assertDisconnected(session, 1000);
            assertEndedOnce(session);
        }
    }

    @Test
    void closeFutureCompletesWithTheStatusGivenToOnDisconnect() throws Exception {
        try (TestWebSocketClient client = TestWebSocketClient.connect(server.uri())) {
            Session session = handler.awaitConnect();
            client.sendClose(1000, "bye");

            CloseStatus fromFuture = session.closeFuture().toCompletableFuture().get(5, TimeUnit.SECONDS);
            assertThat(handler.awaitDisconnect().status()).isEqualTo(fromFuture);
            assertThat(session.state()).isEqualTo(SessionState.CLOSED);
            assertThat(session.send("too late")).isFalse();
        }
    }

    private void assertEndedOnce(Session session) {
        server.server().close();
        handler.assertContractKept();
        assertThat(handler.disconnectCount(session))
                .as("onDisconnect calls for " + session)
                .isEqualTo(1);
        assertThat(server.server().sessions()).isEmpty();
    }
}
