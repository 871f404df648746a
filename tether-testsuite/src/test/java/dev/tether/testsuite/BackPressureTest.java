package dev.tether.testsuite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tether.core.Packet;
import dev.tether.core.RpcErrorCode;
import dev.tether.core.RpcRequest;
import dev.tether.core.RpcResponse;
import dev.tether.server.NonBlocking;
import dev.tether.server.Rpc;
import dev.tether.server.Session;
import dev.tether.testing.CloseFrame;
import dev.tether.testing.RecordingHandler;
import dev.tether.testing.TestWebSocketClient;
import dev.tether.testing.TetherServerExtension;
import java.time.Duration;
import org.awaitility.core.ConditionTimeoutException;
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
    private static final int PACKET_BYTES = 32 * 1024;
    private static final Duration CLOSE_TIMEOUT = Duration.ofMillis(500);
    /** Enough to fill the kernel's socket buffers on loopback (a few MiB) and then the queue. */
    private static final long GIVE_UP_BYTES = 256L << 20;

    final RecordingHandler handler = new RecordingHandler();

    @RegisterExtension
    final TetherServerExtension server = TetherServerExtension.of(b -> b.handler(handler)
            .writeBufferWaterMarks(LOW, HIGH)
            .maxQueuedBytes(MAX_QUEUED)
            .closeTimeout(CLOSE_TIMEOUT));

    @Test
    void sessionOfAClientThatStopsReadingBecomesUnwritable() {
        try (TestWebSocketClient client = pausedClient()) {
            Session session = handler.awaitConnect();

            fillSocketAndQueue(session);

            assertThat(session.isWritable()).isFalse();
            assertThat(session.queuedBytes()).isGreaterThan(HIGH);
        }
    }

    @Test
    void packetLargerThanMaxQueuedBytesIsSentWhenNothingWaits() {
        // The bound limits what waits, not one message: a reply larger than it must not vanish.
        try (TestWebSocketClient client = TestWebSocketClient.connect(server.uri())) {
            Session session = handler.awaitConnect();
            String large = "x".repeat(MAX_QUEUED);

            assertThat(session.send(Packet.custom(large))).isTrue();

            assertThat(client.awaitPacket().data()).isEqualTo(large);
            assertThat(session.droppedPackets()).isZero();
        }
    }

    @Test
    void sendsToAClientThatStopsReadingAreRefusedWithinTheBound() {
        try (TestWebSocketClient client = pausedClient()) {
            Session session = handler.awaitConnect();

            fillUntilRefused(session);

            assertThat(session.queuedBytes()).isLessThanOrEqualTo(MAX_QUEUED);
            assertThat(session.droppedPackets()).isEqualTo(1);
        }
    }

    @Test
    void refusedSendsLeaveTheSessionOpen() {
        try (TestWebSocketClient client = pausedClient()) {
            Session session = handler.awaitConnect();

            fillSocketAndQueue(session);

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
            await("the session is writable again").atMost(Duration.ofSeconds(5)).until(session::isWritable);
            assertThat(session.send(Packet.custom("after"))).isTrue();
            assertThat(client.awaitPacket().data()).isEqualTo("after");
        }
    }

    @Test
    void clientThatClosesWhileNotReadingIsDroppedAfterTheCloseTimeout() {
        try (TestWebSocketClient client = pausedClient()) {
            Session session = handler.awaitConnect();
            fillSocketAndQueue(session);

            // The server cannot write its close reply behind a full queue; it must not wait for ever.
            client.sendClose(1000, "bye");

            RecordingHandler.Disconnected disconnected = handler.awaitDisconnect(CLOSE_TIMEOUT.plusSeconds(3));
            assertThat(disconnected.status().code()).isEqualTo(1000);
            assertThat(server.server().connectionCount()).isZero();
        }
    }

    @Test
    void callWhoseReplyDoesNotFitBehindWaitingMessagesGetsAnErrorReply() {
        server.server().rpc().register(new LargeReplies());
        try (TestWebSocketClient client = pausedClient()) {
            Session session = handler.awaitConnect();
            int waiting = sendUntilSomethingWaits(session);

            // The reply alone is larger than the bound and something waits: it is refused, and the caller must hear.
            client.sendPacket(Packet.rpc(RpcRequest.of("large", "call-1")));
            client.resumeReading();

            for (int i = 0; i < waiting; i++) {
                assertThat(client.awaitPacket().data()).isEqualTo(i);
            }
            RpcResponse reply = client.awaitPacket().response();
            assertThat(reply).isNotNull();
            assertThat(reply.callId()).isEqualTo("call-1");
            assertThat(reply.errorCode()).isEqualTo(RpcErrorCode.INTERNAL_SERVER_ERROR);
            assertThat(reply.response())
                    .isEqualTo("Reply not sent: the session's outbound queue is full (maxQueuedBytes); read faster or"
                            + " retry.");
            assertThat(session.isOpen()).isTrue();
        }
    }

    @Test
    void callWhoseReplyAndErrorReplyDoNotFitClosesTheSessionWith1008() {
        server.server().rpc().register(new LargeReplies());
        try (TestWebSocketClient client = pausedClient()) {
            Session session = handler.awaitConnect();
            fillSocketAndQueue(session);
            while (session.send(Packet.custom(null))) {
                // fill the last bytes of room: not even a short error reply fits now
            }

            client.sendPacket(Packet.rpc(RpcRequest.of("large", "call-1")));
            client.resumeReading();

            CloseFrame close = client.awaitClose(Duration.ofSeconds(20));
            assertThat(close.code()).isEqualTo(1008);
            assertThat(close.reason()).isEqualTo("outbound queue full");
        }
    }

    /** An RPC method whose reply is larger than {@code maxQueuedBytes} on its own. */
    public static final class LargeReplies {
        @Rpc
        @NonBlocking
        public String large() {
            return "x".repeat(MAX_QUEUED + 1);
        }
    }

    /**
     * Sends numbered 32 KiB packets until one stays queued: the kernel's buffers are full and the next message
     * has to wait. A packet that does not drain within 200 ms is taken as waiting; should the I/O thread merely be
     * slow, a few packets wait instead of one, which the callers allow.
     *
     * @return how many packets were sent
     */
    private static int sendUntilSomethingWaits(Session session) {
        String padding = "x".repeat(PACKET_BYTES);
        for (int sent = 0; (long) sent * PACKET_BYTES < GIVE_UP_BYTES; ) {
            assertThat(session.send(Packet.custom(sent).withCorrelationId(padding)))
                    .isTrue();
            sent++;
            try {
                await().pollInterval(Duration.ofMillis(2))
                        .atMost(Duration.ofMillis(200))
                        .until(() -> session.queuedBytes() == 0);
            } catch (ConditionTimeoutException stillWaiting) {
                return sent;
            }
        }
        throw new AssertionError("the client's socket took " + GIVE_UP_BYTES + " bytes without filling");
    }

    private TestWebSocketClient pausedClient() {
        TestWebSocketClient client = TestWebSocketClient.builder(server.uri())
                .receiveBufferBytes(4096)
                .connect();
        client.pauseReading();
        return client;
    }

    /**
     * Sends until sends have been refused for 200 ms in a row: the queue does not drain any more, so the
     * kernel's buffers are full too. (A single refusal proves less: the I/O thread may not have written the
     * queue to the socket yet.)
     */
    private static void fillSocketAndQueue(Session session) {
        Packet filler = Packet.custom("x".repeat(PACKET_BYTES));
        await("sends are refused for 200 ms in a row")
                .pollInterval(Duration.ofMillis(5))
                .during(Duration.ofMillis(200))
                .atMost(Duration.ofSeconds(20))
                .until(() -> !session.send(filler));
    }

    /**
     * Sends numbered packets (each about 32 KiB: the number as data, padding as correlation id) until one is refused.
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
        return sent;
    }
}
