package dev.tether.testsuite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.core.Packet;
import dev.tether.server.ClientType;
import dev.tether.server.ReceiveTimeoutException;
import dev.tether.server.Session;
import dev.tether.server.SessionClosedException;
import dev.tether.server.TetherServer;
import dev.tether.testing.HandshakeResponse;
import dev.tether.testing.TestWebSocketClient;
import dev.tether.testing.TetherServerExtension;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A server without a handler: the application takes sessions with {@code accept} and packets with {@code recv}. */
class PullModeTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final Duration SHORT = Duration.ofMillis(200);

    @RegisterExtension
    final TetherServerExtension server = TetherServerExtension.pullMode();

    @Test
    void acceptReturnsTheNewSession() throws InterruptedException {
        try (TestWebSocketClient client = TestWebSocketClient.connect(server.uri())) {
            Session session = server.server().accept(WAIT);

            assertThat(session.isOpen()).isTrue();
            assertThat(session.clientType()).isEqualTo(ClientType.GENERIC);
        }
    }

    @Test
    void acceptWithoutClientsTimesOut() {
        long start = System.nanoTime();

        assertThatThrownBy(() -> server.server().accept(SHORT)).isInstanceOf(ReceiveTimeoutException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(SHORT);
    }

    @Test
    void recvReturnsPacketsInOrder() throws InterruptedException {
        try (TestWebSocketClient client = TestWebSocketClient.connect(server.uri())) {
            Session session = server.server().accept(WAIT);
            client.sendPacket(Packet.custom("one"));
            client.sendPacket(Packet.custom("two"));

            assertThat(session.recv(WAIT).data()).isEqualTo("one");
            assertThat(session.recv(WAIT).data()).isEqualTo("two");
        }
    }

    @Test
    void recvWithoutPacketsTimesOutAfterTheTimeout() throws InterruptedException {
        try (TestWebSocketClient client = TestWebSocketClient.connect(server.uri())) {
            Session session = server.server().accept(WAIT);
            long start = System.nanoTime();

            assertThatThrownBy(() -> session.recv(SHORT))
                    .isInstanceOf(ReceiveTimeoutException.class)
                    .hasMessage("Receive operation timed out after 0.2 seconds.");
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(took).isGreaterThanOrEqualTo(SHORT).isLessThan(WAIT);
            assertThat(session.isOpen()).isTrue();
        }
    }

    @Test
    void recvAfterCloseDrainsQueuedPacketsThenThrowsSessionClosed() throws Exception {
        TestWebSocketClient client = TestWebSocketClient.connect(server.uri());
        Session session = server.server().accept(WAIT);
        client.sendPacket(Packet.custom(1));
        client.sendPacket(Packet.custom(2));
        client.sendPacket(Packet.custom(3));
        client.close();
        session.closeFuture().toCompletableFuture().get(5, TimeUnit.SECONDS);

        assertThat(session.recv(WAIT).data()).isEqualTo(1);
        assertThat(session.recv(WAIT).data()).isEqualTo(2);
        assertThat(session.recv(WAIT).data()).isEqualTo(3);
        long start = System.nanoTime();
        assertThatThrownBy(() -> session.recv(WAIT)).isInstanceOf(SessionClosedException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start))
                .as("recv on a drained closed session waits")
                .isLessThan(SHORT);
        assertThatThrownBy(() -> session.recv(WAIT)).isInstanceOf(SessionClosedException.class);
    }

    @Test
    void handshakeOverTheAcceptQueueLimitIsRefusedWith503() throws InterruptedException {
        // Repeated: the first session must count against the limit as soon as its client has the 101.
        for (int attempt = 0; attempt < 20; attempt++) {
            try (TetherServer limited = Support.startServer(b -> b.acceptQueueLimit(1));
                    TestWebSocketClient waiting = TestWebSocketClient.connect(Support.uri(limited))) {
                HandshakeResponse refused =
                        TestWebSocketClient.builder(Support.uri(limited)).expectRejection();

                assertThat(refused.status()).as("attempt " + attempt).isEqualTo(503);
                assertThat(limited.accept(WAIT).isOpen()).isTrue();
            }
        }
    }

    @Test
    void recvOnAServerWithAHandlerIsRefused() throws InterruptedException {
        dev.tether.testing.RecordingHandler handler = new dev.tether.testing.RecordingHandler();
        try (TetherServer withHandler = Support.startServer(b -> b.handler(handler));
                TestWebSocketClient client = TestWebSocketClient.connect(Support.uri(withHandler))) {
            Session session = handler.awaitConnect();

            assertThatThrownBy(() -> session.recv(SHORT)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> withHandler.accept(SHORT)).isInstanceOf(IllegalStateException.class);
        }
    }
}
