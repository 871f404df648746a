package dev.tether.testsuite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.server.Session;
import dev.tether.testing.RecordingHandler;
import dev.tether.testing.TestWebSocketClient;
import dev.tether.testing.TetherServerExtension;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Keepalive: the server pings idle clients and closes (1011) those that stay silent past the idle timeout. */
class IdleTimeoutTest {
    private static final Duration PING_INTERVAL = Duration.ofMillis(100);
    private static final Duration IDLE_TIMEOUT = Duration.ofMillis(400);

    final RecordingHandler handler = new RecordingHandler();

    @RegisterExtension
    final TetherServerExtension server = TetherServerExtension.of(
            b -> b.handler(handler).pingInterval(PING_INTERVAL).idleTimeout(IDLE_TIMEOUT));

    @Test
    void clientThatAnswersPingsStaysConnected() {
        try (TestWebSocketClient client = TestWebSocketClient.connect(server.uri())) {
            Session session = handler.awaitConnect();

            // Eight pings take at least 800 ms, twice the idle timeout.
            for (int i = 0; i < 8; i++) {
                client.awaitPing();
            }

            assertThat(client.closeFrame()).isNull();
            assertThat(session.isOpen()).isTrue();
        }
    }

    @Test
    void silentClientIsPingedThenClosedWith1011() {
        try (TestWebSocketClient silent =
                TestWebSocketClient.builder(server.uri()).autoPong(false).connect()) {
            Session session = handler.awaitConnect();
            long start = System.nanoTime();

            silent.awaitPing();
            Support.assertFailedWith(silent, 1011);

            assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .isGreaterThanOrEqualTo(IDLE_TIMEOUT.minusMillis(50));
            handler.assertDisconnected(session, 1011);
        }
    }
}
