package dev.tether.testsuite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.Packet;
import dev.tether.server.Session;
import dev.tether.testing.Await;
import dev.tether.testing.RecordingHandler;
import dev.tether.testing.TestWebSocketClient;
import dev.tether.testing.TetherServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A client that stops reading: its session reports it is not writable, refuses sends past {@code maxQueuedBytes}
 * and counts them, and stays open.
 */
class BackPressureTest {
    private static final int LOW = 32 * 1024;
    private static final int HIGH = 64 * 1024;
    private static final int MAX_QUEUED = 256 * 1024;
    private static final int PACKET_BYTES = 16 * 1024;
    /** Enough to fill the kernel's socket buffers on loopback (a few MiB) and then the queue. */
    private static final long GIVE_UP_BYTES = 256L << 20;

    final RecordingHandler handler = new RecordingHandler();

    @RegisterExtension
    final TetherServerExtension server = TetherServerExtension.of(
            b -> b.handler(handler).writeBufferWaterMarks(LOW, HIGH).maxQueuedBytes(MAX_QUEUED));

    @Test
    void sessionOfAClientThatStopsReadingBecomesUnwritable() {
        try (TestWebSocketClient client = pausedClient()) {
            Session session = handler.awaitConnect();

            fillUntilRefused(session);

            assertThat(session.isWritable()).isFalse();
            assertThat(session.queuedBytes()).isGreaterThan(HIGH);
        }
    }

    @Test
    void sendPastMaxQueuedBytesIsRefusedAndCounted() {
        try (TestWebSocketClient client = pausedClient()) {
            Session session = handler.awaitConnect();

            fillUntilRefused(session);
            boolean again = session.send(Packet.custom("x".repeat(PACKET_BYTES)));

            assertThat(again).isFalse();
            assertThat(session.droppedPackets()).isEqualTo(2);
            assertThat(session.queuedBytes()).isLessThanOrEqualTo(MAX_QUEUED);
        }
    }

    @Test
    void refusedSendsLeaveTheSessionOpen() {
        try (TestWebSocketClient client = pausedClient()) {
            Session session = handler.awaitConnect();

            fillUntilRefused(session);

            assertThat(session.isOpen()).isTrue();
            assertThat(client.closeFrame()).isNull();
            assertThat(client.isConnected()).isTrue();
        }
    }

    @Test
    void sessionBecomesWritableAgainWhenTheClientReadsAndEveryQueuedPacketArrives() {
        try (TestWebSocketClient client = pausedClient()) {
            Session session = handler.awaitConnect();
            int queued = fillUntilRefused(session);

            client.resumeReading();

            for (int i = 0; i < queued; i++) {
                assertThat(client.awaitPacket().data()).isEqualTo(i);
            }
            Await.until("the session is writable again", session::isWritable);
            assertThat(session.send(Packet.custom("after"))).isTrue();
            assertThat(client.awaitPacket().data()).isEqualTo("after");
        }
    }

    private TestWebSocketClient pausedClient() {
        TestWebSocketClient client = TestWebSocketClient.builder(server.uri())
                .receiveBufferBytes(4096)
                .connect();
        client.pauseReading();
        return client;
    }

    /**
     * Sends numbered packets (each about 16 KiB: the number as data, padding as correlation id) until one is refused.
     *
     * @return how many were queued
     */
    private static int fillUntilRefused(Session session) {
        String padding = "x".repeat(PACKET_BYTES);
        int sent = 0;
        while (session.send(Packet.custom(sent).withCorrelationId(padding))) {
            sent++;
            assertThat((long) sent * PACKET_BYTES)
                    .as("bytes queued without a refusal")
                    .isLessThan(GIVE_UP_BYTES);
        }
        assertThat(session.droppedPackets()).isEqualTo(1);
        return sent;
    }
}
