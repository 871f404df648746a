package dev.tether.media;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.ManualClock;
import dev.tether.media.TestSerializer.Sent;
import dev.tether.testing.Message;
import dev.tether.testing.TestWebSocketClient;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Outbound pacing on a manual clock: each chunk's send time is read from the clock by the serializer, so the
 * expected times are exact. At 24 kHz mono a 40 ms chunk is 1,920 bytes.
 */
class PacingTest {
    private static final int CHUNK = 1920;

    private final ManualClock clock = new ManualClock();
    private final BlockingQueue<Sent> sent = new LinkedBlockingQueue<>();
    private final RecordingHandler handler = new RecordingHandler();
    private final MediaServers servers = new MediaServers();
    private final List<TestWebSocketClient> clients = new ArrayList<>();

    @AfterEach
    void close() {
        clients.forEach(TestWebSocketClient::close);
        servers.close();
    }

    private MediaSession connect(UnaryOperator<MediaEndpoint.Builder> settings) {
        URI base = servers.start(settings.apply(MediaEndpoint.builder("/ws-client", handler)
                        .serializer(() -> new TestSerializer(clock, sent))
                        .clock(clock))
                .build());
        clients.add(TestWebSocketClient.connect(base.resolve("/ws-client")));
        return handler.awaitConnect();
    }

    private TestWebSocketClient client() {
        return clients.get(0);
    }

    private static AudioOutFrame audio(int millis) {
        return new AudioOutFrame(new byte[24 * 2 * millis], 24000, 1);
    }

    private Sent next() {
        return RecordingHandler.await(sent, "a frame sent");
    }

    /** Moves the clock to the pacing timer, which must be (or become) pending. */
    private void advanceToTimer() throws InterruptedException {
        assertThat(clock.awaitPendingTasks(1, Duration.ofSeconds(5))).isTrue();
        clock.advance(clock.nextDue());
    }

    @Test
    void chunksLeaveOnePerIntervalAfterALeadOfOne() throws Exception {
        MediaSession session = connect(b -> b);

        assertThat(session.write(audio(200))).isTrue();

        List<Sent> times = new ArrayList<>(List.of(next(), next()));
        for (int i = 0; i < 3; i++) {
            advanceToTimer();
            times.add(next());
        }
        assertThat(times)
                .containsExactly(
                        new Sent("audio", CHUNK, 0),
                        new Sent("audio", CHUNK, 0),
                        new Sent("audio", CHUNK, 40),
                        new Sent("audio", CHUNK, 80),
                        new Sent("audio", CHUNK, 120));
        for (int i = 0; i < 5; i++) {
            assertThat(client().awaitMessage().payload()).hasSize(CHUNK);
        }
    }

    @Test
    void chunkLengthFollowsAudioOut10msChunks() {
        MediaSession session = connect(b -> b.audioOut10msChunks(2));

        session.write(audio(40));

        assertThat(List.of(next(), next())).containsExactly(new Sent("audio", 960, 0), new Sent("audio", 960, 0));
    }

    @Test
    void writeAfterTheClockRanOutResetsIt() throws Exception {
        MediaSession session = connect(b -> b);
        session.write(audio(80));
        assertThat(List.of(next(), next())).extracting(Sent::atMillis).containsExactly(0L, 0L);
        advanceToTimer(); // t=40: nothing left; next send time 80
        clock.advance(Duration.ofMillis(60)); // t=100, past it: nothing is slept, the clock restarts from now

        session.write(audio(80));

        assertThat(List.of(next(), next())).extracting(Sent::atMillis).containsExactly(100L, 100L);
    }

    @Test
    void writeBeforeTheNextSendTimeWaitsForIt() throws Exception {
        MediaSession session = connect(b -> b);
        session.write(audio(80));
        assertThat(List.of(next(), next())).extracting(Sent::atMillis).containsExactly(0L, 0L);
        advanceToTimer(); // t=40; next send time 80
        clock.advance(Duration.ofMillis(20)); // t=60

        session.write(audio(80));
        Sent third = next(); // sent at once, then sleeps until 80
        advanceToTimer();
        Sent fourth = next();

        assertThat(List.of(third, fourth)).extracting(Sent::atMillis).containsExactly(60L, 80L);
    }

    @Test
    void partialTailChunkGoesOutAsItIsBeforeAMessageThatFollows() throws Exception {
        MediaSession session = connect(b -> b);

        session.write(audio(50));
        session.write(new TransportMessageFrame(TestSerializer.JSON.readTree("{\"n\":1}")));

        assertThat(List.of(next(), next())).containsExactly(new Sent("audio", CHUNK, 0), new Sent("audio", 480, 0));
        advanceToTimer(); // the message waits for the tail's turn
        assertThat(next()).isEqualTo(new Sent("msg:{\"n\":1}", 0, 40));
    }

    @Test
    void framesWrittenInPiecesAreCutIntoWholeChunks() throws Exception {
        MediaSession session = connect(b -> b);

        session.write(audio(30));
        session.write(audio(30));
        session.write(audio(20));

        assertThat(List.of(next(), next())).containsExactly(new Sent("audio", CHUNK, 0), new Sent("audio", CHUNK, 0));
    }

    @Test
    void shortTailWaitsOneChunkForMoreAudioThenGoesAsItIs() throws Exception {
        MediaSession session = connect(b -> b);

        session.write(audio(50));
        assertThat(next()).isEqualTo(new Sent("audio", CHUNK, 0));
        advanceToTimer(); // the tail's wait

        assertThat(next()).isEqualTo(new Sent("audio", 480, 40));
    }

    @Test
    void endDoesNotWaitForAShortTailToBeCompleted() {
        MediaSession session = connect(b -> b);

        session.write(audio(10));
        session.write(new EndFrame());

        assertThat(List.of(next(), next())).containsExactly(new Sent("audio", 480, 0), new Sent("end", 0, 0));
    }

    @Test
    void urgentMessageGoesAheadOfQueuedAudioAndANormalOneWaitsItsTurn() throws Exception {
        MediaSession session = connect(b -> b);
        session.write(audio(120));
        assertThat(List.of(next(), next())).extracting(Sent::atMillis).containsExactly(0L, 0L);

        session.write(new TransportMessageFrame(TestSerializer.JSON.readTree("\"normal\"")));
        session.write(TransportMessageFrame.urgent(TestSerializer.JSON.readTree("\"urgent\"")));

        assertThat(next()).isEqualTo(new Sent("msg:\"urgent\"", 0, 0));
        advanceToTimer();
        assertThat(next()).isEqualTo(new Sent("audio", CHUNK, 40));
        advanceToTimer();
        assertThat(next()).isEqualTo(new Sent("msg:\"normal\"", 0, 80));
    }

    @Test
    void queuedAudioGoesDownChunkByChunkNotFrameByFrame() throws Exception {
        // A bot refilling below a mark must see a long frame drain; counted per frame, it ran dry (tether bench media).
        MediaSession session = connect(b -> b);
        session.write(audio(200));

        assertThat(List.of(next(), next())).extracting(Sent::atMillis).containsExactly(0L, 0L);
        assertThat(session.queuedAudio()).isEqualTo(Duration.ofMillis(120));
        advanceToTimer();
        assertThat(next().atMillis()).isEqualTo(40);
        assertThat(session.queuedAudio()).isEqualTo(Duration.ofMillis(80));
    }

    @Test
    void interruptionSendsItsMessageDropsQueuedAudioAndResetsTheClock() throws Exception {
        MediaSession session = connect(b -> b);
        session.write(audio(400));
        assertThat(List.of(next(), next())).extracting(Sent::atMillis).containsExactly(0L, 0L);
        advanceToTimer();
        assertThat(next().atMillis()).isEqualTo(40); // next send time 80

        assertThat(session.write(new InterruptionFrame())).isTrue();
        assertThat(next()).isEqualTo(new Sent("interrupt", 0, 40));
        session.write(audio(80));

        // Reset: both chunks go at once, as after a silence; without the reset the second would wait until 80.
        assertThat(List.of(next(), next())).containsExactly(new Sent("audio", CHUNK, 40), new Sent("audio", CHUNK, 40));
        assertThat(clock.awaitPendingTasks(1, Duration.ofSeconds(5))).isTrue();
        assertThat(clock.pendingTasks()).isEqualTo(1); // the dropped audio's timer was cancelled
        assertThat(session.queuedAudio()).isZero();
    }

    @Test
    void endSendsQueuedAudioFirstThenItsMessageThenCloses() throws Exception {
        MediaSession session = connect(b -> b);
        session.write(audio(120));

        assertThat(session.write(new EndFrame())).isTrue();
        assertThat(session.write(audio(40))).isFalse();
        assertThat(session.isOpen()).isFalse();

        List<Sent> times = new ArrayList<>(List.of(next(), next()));
        advanceToTimer();
        times.add(next());
        advanceToTimer();
        times.add(next());
        assertThat(times)
                .containsExactly(
                        new Sent("audio", CHUNK, 0),
                        new Sent("audio", CHUNK, 0),
                        new Sent("audio", CHUNK, 40),
                        new Sent("end", 0, 80));
        for (int i = 0; i < 3; i++) {
            assertThat(client().awaitMessage().payload()).hasSize(CHUNK);
        }
        Message end = client().awaitMessage();
        assertThat(end.text()).isEqualTo("end");
        assertThat(client().awaitClose().code()).isEqualTo(1000);
        assertThat(handler.awaitDisconnect().code()).isEqualTo(1000);
    }

    @Test
    void cancelDoesNotWaitForQueuedAudio() {
        MediaSession session = connect(b -> b);
        session.write(audio(400));

        assertThat(session.write(new CancelFrame())).isTrue();

        assertThat(List.of(next(), next(), next()))
                .containsExactly(new Sent("audio", CHUNK, 0), new Sent("audio", CHUNK, 0), new Sent("cancel", 0, 0));
        client().awaitMessage();
        client().awaitMessage();
        assertThat(client().awaitMessage().text()).isEqualTo("cancel");
        assertThat(client().awaitClose().code()).isEqualTo(1000);
        handler.awaitDisconnect();
        assertThat(session.queuedAudio()).isZero();
        assertThat(session.write(new TextFrame("late"))).isFalse();
    }

    @Test
    void writePastTheAudioBoundIsRefusedAndCounted() {
        MediaSession session = connect(b -> b.maxQueuedAudio(Duration.ofMillis(100)));

        assertThat(session.write(audio(400))).isTrue(); // taken: nothing waited
        assertThat(session.write(audio(40))).isFalse();

        assertThat(session.refusedWrites()).isEqualTo(1);
        assertThat(session.isOpen()).isTrue();
        assertThat(session.write(new TextFrame("still open"))).isTrue();
    }

    @Test
    void audioAtAnotherRateIsPacedByItsOwnRate() {
        MediaSession session = connect(b -> b);

        session.write(new AudioOutFrame(new byte[16 * 2 * 80], 16000, 1)); // 80 ms at 16 kHz

        assertThat(List.of(next(), next())).containsExactly(new Sent("audio", 1280, 0), new Sent("audio", 1280, 0));
    }
}
