package dev.tether.testsuite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.ManualClock;
import dev.tether.core.Packet;
import dev.tether.server.Session;
import dev.tether.testing.RecordingHandler;
import dev.tether.testing.TestWebSocketClient;
import dev.tether.testing.TetherServerExtension;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Keepalive: the server pings idle clients and closes (1011) those that stay silent past the idle timeout. Time is a
 * {@link ManualClock}, so the minutes of a real configuration pass at once and exactly.
 */
class IdleTimeoutTest {
    private static final Duration PING_INTERVAL = Duration.ofSeconds(30);
    private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration WAIT = Duration.ofSeconds(5);

    final RecordingHandler handler = new RecordingHandler();
    final ManualClock clock = new ManualClock();

    @RegisterExtension
    final TetherServerExtension server = TetherServerExtension.of(
            b -> b.handler(handler).clock(clock).pingInterval(PING_INTERVAL).idleTimeout(IDLE_TIMEOUT));

    /** Waits until the session's keepalive timer is armed (the only task the clock then holds), then moves time. */
    private void advanceToNextCheck(Duration by) throws InterruptedException {
        assertThat(clock.awaitPendingTasks(1, WAIT)).as("keepalive timer armed").isTrue();
        clock.advance(by);
    }

    @Test
    void clientThatAnswersPingsStaysConnected() throws InterruptedException {
        try (TestWebSocketClient client = TestWebSocketClient.connect(server.uri())) {
            Session session = handler.awaitConnect();

            // Eight ping intervals are four idle timeouts.
            for (int i = 0; i < 8; i++) {
                advanceToNextCheck(PING_INTERVAL);
                client.awaitPing();
                // The pong went out before this packet, so once the packet is read the pong was read too.
                client.sendPacket(Packet.custom(i));
                assertThat(handler.awaitPacket().packet().data()).isEqualTo(i);
            }

            assertThat(client.closeFrame()).isNull();
            assertThat(session.isOpen()).isTrue();
            assertThat(clock.elapsed()).isEqualTo(PING_INTERVAL.multipliedBy(8));
        }
    }

    @Test
    void silentClientIsPingedThenClosedWith1011AtTheIdleTimeout() throws InterruptedException {
        try (TestWebSocketClient silent =
                TestWebSocketClient.builder(server.uri()).autoPong(false).connect()) {
            Session session = handler.awaitConnect();

            advanceToNextCheck(PING_INTERVAL);
            silent.awaitPing();
            advanceToNextCheck(IDLE_TIMEOUT.minus(PING_INTERVAL).minusSeconds(1));
            // After the ping the one timer waits for the idle deadline, not for another ping: one second left.
            assertThat(clock.pendingDelays()).containsExactly(Duration.ofSeconds(1));
            assertThat(session.isOpen()).isTrue();

            advanceToNextCheck(Duration.ofSeconds(1));
            Support.assertFailedWith(silent, 1011);
            handler.assertDisconnected(session, 1011);
        }
    }
}
