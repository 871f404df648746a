package dev.tether.media;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tether.core.ManualClock;
import dev.tether.media.TestSerializer.Sent;
import dev.tether.server.CloseStatus;
import dev.tether.testing.LeakDetectionExtension;
import dev.tether.testing.TestWebSocketClient;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A session's life: inbound frames, RTVI, the session timeout, a client that leaves, a failing handler. */
class MediaSessionTest {
    private final ManualClock clock = new ManualClock();
    private final BlockingQueue<Sent> sent = new LinkedBlockingQueue<>();
    private final MediaServers servers = new MediaServers();

    @AfterEach
    void close() {
        servers.close();
    }

    private URI start(MediaHandler handler, UnaryOperator<MediaEndpoint.Builder> settings) {
        return servers.start(settings.apply(MediaEndpoint.builder("/ws-client", handler)
                                .serializer(() -> new TestSerializer(clock, sent))
                                .clock(clock))
                        .build())
                .resolve("/ws-client");
    }

    @Test
    void inboundFramesReachTheHandlerInOrderAndAudioAsAudioIn() {
        RecordingHandler handler = new RecordingHandler();
        try (TestWebSocketClient client = TestWebSocketClient.connect(start(handler, b -> b))) {
            handler.awaitConnect();
            client.sendBinary(new byte[] {1, 0, -1, -1});
            client.sendText("dtmf:7");

            assertThat(handler.awaitFrame()).isEqualTo(new AudioInFrame(new byte[] {1, 0, -1, -1}, 16000, 1));
            assertThat(handler.awaitFrame()).isEqualTo(new DtmfFrame('7'));
        }
        assertThat(handler.awaitDisconnect().code()).isEqualTo(1000);
    }

    @Test
    void serializerIsSetUpWithTheTransportsRates() throws Exception {
        BlockingQueue<TestSerializer> made = new LinkedBlockingQueue<>();
        RecordingHandler handler = new RecordingHandler();
        URI uri = servers.start(MediaEndpoint.builder("/ws-client", handler)
                        .serializer(() -> {
                            TestSerializer serializer = new TestSerializer(clock, sent);
                            made.add(serializer);
                            return serializer;
                        })
                        .audioInSampleRate(8000)
                        .audioOutSampleRate(22050)
                        .build())
                .resolve("/ws-client");
        try (TestWebSocketClient client = TestWebSocketClient.connect(uri)) {
            handler.awaitConnect();
            assertThat(made.poll(5, TimeUnit.SECONDS).rates).isEqualTo(new MediaRates(8000, 22050));
        }
    }

    @Test
    void messageTheSerializerCannotReadIsLoggedAndTheSessionLivesOn() {
        RecordingHandler handler = new RecordingHandler();
        try (TestWebSocketClient client = TestWebSocketClient.connect(start(handler, b -> b))) {
            MediaSession session = handler.awaitConnect();
            client.sendText("boom");
            client.sendText("dtmf:#");

            assertThat(handler.awaitFrame()).isEqualTo(new DtmfFrame('#'));
            assertThat(session.isOpen()).isTrue();
        }
    }

    @Test
    void withoutASerializerInboundIsIgnoredAndNothingIsSent() {
        RecordingHandler handler = new RecordingHandler();
        URI uri = servers.start(MediaEndpoint.builder("/ws-client", handler).build())
                .resolve("/ws-client");
        try (TestWebSocketClient client = TestWebSocketClient.connect(uri)) {
            MediaSession session = handler.awaitConnect();
            client.sendText("dtmf:1");
            assertThat(session.write(new TextFrame("nobody hears this"))).isTrue();
            assertThat(session.write(new EndFrame())).isTrue();

            assertThat(client.awaitClose().code()).isEqualTo(1000); // the end still closes
            assertThat(client.receivedFrames()).noneMatch(frame -> frame.opcode() < 8); // no data frames
        }
        assertThat(handler.frames).isEmpty();
    }

    @Test
    void clientReadyIsAnsweredWithBotReadyOfTheSameIdAndStillReachesTheHandler() throws Exception {
        RecordingHandler handler = new RecordingHandler();
        try (TestWebSocketClient client = TestWebSocketClient.connect(start(handler, b -> b))) {
            handler.awaitConnect();
            client.sendText("msg:{\"label\":\"rtvi-ai\",\"type\":\"client-ready\",\"id\":\"x1\","
                    + "\"data\":{\"version\":\"1.0.0\",\"about\":{\"library\":\"@pipecat-ai/client-js\"}}}");

            String answer = client.awaitText();
            assertThat(answer).startsWith("msg:");
            assertThat(TestSerializer.JSON.readTree(answer.substring(4)))
                    .isEqualTo(
                            TestSerializer.JSON.readTree(
                                    "{\"label\":\"rtvi-ai\",\"type\":\"bot-ready\",\"id\":\"x1\",\"data\":{\"version\":\"2.1.0\"}}"));
            JsonNode forwarded = ((TransportMessageFrame) handler.awaitFrame()).message();
            assertThat(forwarded.get("type").asText()).isEqualTo("client-ready");
        }
    }

    @Test
    void rtviOffLeavesClientReadyToTheHandler() {
        RecordingHandler handler = new RecordingHandler();
        try (TestWebSocketClient client = TestWebSocketClient.connect(start(handler, b -> b.rtvi(false)))) {
            handler.awaitConnect();
            client.sendText("msg:{\"label\":\"rtvi-ai\",\"type\":\"client-ready\",\"id\":\"x1\"}");

            assertThat(handler.awaitFrame()).isInstanceOf(TransportMessageFrame.class);
            assertThat(sent).isEmpty();
        }
    }

    @Test
    void sessionTimeoutFiresOnceAndClosesNothing() throws Exception {
        RecordingHandler handler = new RecordingHandler();
        try (TestWebSocketClient client =
                TestWebSocketClient.connect(start(handler, b -> b.sessionTimeout(Duration.ofSeconds(30))))) {
            MediaSession session = handler.awaitConnect();
            assertThat(clock.awaitPendingTasks(1, Duration.ofSeconds(5))).isTrue();
            clock.advance(Duration.ofSeconds(29));
            assertThat(handler.timeouts).isEmpty();

            clock.advance(Duration.ofSeconds(1));

            assertThat(RecordingHandler.await(handler.timeouts, "onSessionTimeout"))
                    .isSameAs(session);
            assertThat(session.isOpen()).isTrue();
            assertThat(clock.pendingTasks()).isZero();
            assertThat(session.write(new TextFrame("still here"))).isTrue();
            assertThat(client.awaitText()).isEqualTo("text:still here");
        }
    }

    @Test
    void sessionTimeoutIsCancelledWhenTheClientLeavesFirst() {
        RecordingHandler handler = new RecordingHandler();
        try (TestWebSocketClient client =
                TestWebSocketClient.connect(start(handler, b -> b.sessionTimeout(Duration.ofSeconds(30))))) {
            handler.awaitConnect();
        }
        handler.awaitDisconnect();
        assertThat(clock.pendingTasks()).isZero();
    }

    @Test
    void clientThatVanishesMidOutputGetsOneDisconnectAndLeavesNothingBehind() throws Exception {
        assertThat(LeakDetectionExtension.isActive()).isTrue();
        RecordingHandler handler = new RecordingHandler();
        TestWebSocketClient client = TestWebSocketClient.connect(start(handler, b -> b));
        MediaSession session = handler.awaitConnect();
        session.write(new AudioOutFrame(new byte[48_000 * 10], 24000, 1)); // 10 s of audio
        client.awaitMessage();
        assertThat(clock.awaitPendingTasks(1, Duration.ofSeconds(5))).isTrue();

        client.resetConnection();
        CloseStatus status = handler.awaitDisconnect();
        clock.advance(Duration.ofSeconds(1)); // a pacing timer that was on its way finds the session closed

        assertThat(status.code()).isEqualTo(CloseStatus.ABNORMAL);
        assertThat(session.queuedAudio()).isZero();
        assertThat(clock.pendingTasks()).isZero();
        assertThat(session.write(new AudioOutFrame(new byte[1920], 24000, 1))).isFalse();
        assertThat(session.write(new EndFrame())).isFalse();
        assertThat(handler.disconnects.poll(200, TimeUnit.MILLISECONDS)).isNull();
        assertThat(handler.disconnectCount).hasValue(1);
    }

    @Test
    void handlerThatThrowsClosesTheSessionWith1011() {
        RecordingHandler handler = new RecordingHandler() {
            @Override
            public void onFrame(MediaSession session, MediaFrame frame) {
                throw new IllegalStateException("bot bug");
            }
        };
        try (TestWebSocketClient client = TestWebSocketClient.connect(start(handler, b -> b))) {
            handler.awaitConnect();
            client.sendText("dtmf:1");

            assertThat(client.awaitClose().code()).isEqualTo(1011);
        }
        assertThat(handler.awaitDisconnect().code()).isEqualTo(1011);
    }

    @Test
    void localEventsAndInboundAudioAreNeverWritten() {
        RecordingHandler handler = new RecordingHandler();
        try (TestWebSocketClient client = TestWebSocketClient.connect(start(handler, b -> b))) {
            MediaSession session = handler.awaitConnect();

            assertThat(session.write(new ClientConnectedFrame())).isFalse();
            assertThat(session.write(new AudioInFrame(new byte[2], 16000, 1))).isFalse();
            assertThat(session.refusedWrites()).isZero();
        }
    }
}
