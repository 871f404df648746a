package dev.tether.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tether.core.ManualClock;
import dev.tether.media.TestSerializer.Sent;
import dev.tether.testing.TestWebSocketClient;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The media endpoint's meters in the server's registry, counted over real sockets. */
class MediaMetersTest {
    private static final int CHUNK = 1920; // 40 ms at 24 kHz mono
    private static final Duration WAIT = Duration.ofSeconds(5);

    private final ManualClock clock = new ManualClock();
    private final BlockingQueue<Sent> sent = new LinkedBlockingQueue<>();
    private final RecordingHandler handler = new RecordingHandler();
    private final MediaServers servers = new MediaServers();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @AfterEach
    void close() {
        servers.close();
    }

    private MediaEndpoint.Builder endpoint(String path) {
        return MediaEndpoint.builder(path, handler)
                .serializer(() -> new TestSerializer(clock, sent))
                .allowedOrigins(Set.of())
                .clock(clock);
    }

    private double count(String name, String... tags) {
        return registry.get(name).tags(tags).counter().count();
    }

    private double open(String endpoint) {
        return registry.get("tether.media.sessions.open")
                .tag("endpoint", endpoint)
                .gauge()
                .value();
    }

    private void advanceToTimer() throws InterruptedException {
        assertThat(clock.awaitPendingTasks(1, WAIT)).isTrue();
        clock.advance(clock.nextDue());
    }

    @Test
    void countsSessionsAudioBothWaysPacingAndHowSessionsEnded() throws Exception {
        URI uri = servers.start(endpoint("/ws-client").build(), s -> s.meterRegistry(registry))
                .resolve("/ws-client");
        assertThat(open("/ws-client")).isZero();
        try (TestWebSocketClient client = TestWebSocketClient.connect(uri)) {
            MediaSession session = handler.awaitConnect();
            assertThat(open("/ws-client")).isEqualTo(1);
            assertThat(count("tether.media.sessions.started", "endpoint", "/ws-client"))
                    .isEqualTo(1);

            client.sendBinary(new byte[4]);
            client.sendBinary(new byte[6]);
            client.sendText("boom"); // the serializer cannot read it
            client.sendText("dtmf:1");
            handler.awaitFrame();
            handler.awaitFrame();
            assertThat(handler.awaitFrame()).isEqualTo(new DtmfFrame('1'));
            assertThat(count("tether.media.audio.frames.received", "endpoint", "/ws-client"))
                    .isEqualTo(2);
            assertThat(count("tether.media.audio.received.bytes", "endpoint", "/ws-client"))
                    .isEqualTo(10);
            assertThat(count("tether.media.decode.errors", "endpoint", "/ws-client", "serializer", "custom"))
                    .isEqualTo(1);

            assertThat(session.write(new AudioOutFrame(new byte[5 * CHUNK], 24000, 1)))
                    .isTrue();
            RecordingHandler.await(sent, "chunk 1");
            RecordingHandler.await(sent, "chunk 2"); // the lead of one, then one per interval
            for (int i = 3; i <= 5; i++) {
                advanceToTimer(); // exactly when due: no lateness
                RecordingHandler.await(sent, "chunk " + i);
            }
            FunctionTimer lateness = registry.get("tether.media.pacing.lateness")
                    .tag("endpoint", "/ws-client")
                    .functionTimer();
            await().atMost(WAIT)
                    .untilAsserted(
                            () -> { // counted right after each chunk was handed on
                                assertThat(count("tether.media.audio.chunks.sent", "endpoint", "/ws-client"))
                                        .isEqualTo(5);
                                assertThat(count("tether.media.audio.sent.bytes", "endpoint", "/ws-client"))
                                        .isEqualTo(5 * CHUNK);
                                assertThat(lateness.count())
                                        .as("chunks that waited for a timer")
                                        .isEqualTo(3);
                            });
            assertThat(lateness.totalTime(TimeUnit.NANOSECONDS)).isZero();
            assertThat(count("tether.media.pacing.late", "endpoint", "/ws-client", "over", "2ms"))
                    .isZero();

            assertThat(session.write(new EndFrame())).isTrue();
            advanceToTimer(); // the end waits for the last chunk's interval
            assertThat(client.awaitClose().code()).isEqualTo(1000);
            handler.awaitDisconnect();
            assertThat(count("tether.media.sessions.ended", "endpoint", "/ws-client", "reason", "end"))
                    .isEqualTo(1);
            assertThat(open("/ws-client")).isZero();
        }
        try (TestWebSocketClient client = TestWebSocketClient.connect(uri)) {
            handler.awaitConnect();
            client.sendClose(1000, "");
            handler.awaitDisconnect();
            assertThat(count("tether.media.sessions.ended", "endpoint", "/ws-client", "reason", "client"))
                    .isEqualTo(1);
        }
        assertThat(count("tether.media.sessions.started", "endpoint", "/ws-client"))
                .isEqualTo(2);
        assertThat(registry.find("tether.media.sessions.ended").counters())
                .as("a reason that did not happen has no counter")
                .hasSize(2);
    }

    @Test
    void aChunkSentLateCountsItsLateness() throws Exception {
        CountDownLatch blocking = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        RecordingHandler blocker = new RecordingHandler() {
            @Override
            public void onFrame(MediaSession session, MediaFrame frame) {
                if (frame.equals(new DtmfFrame('9'))) {
                    blocking.countDown();
                    try {
                        release.await(5, TimeUnit.SECONDS); // holds the session's event loop, as a busy one would
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        };
        URI uri = servers.start(
                        MediaEndpoint.builder("/ws-client", blocker)
                                .serializer(() -> new TestSerializer(clock, sent))
                                .clock(clock)
                                .build(),
                        s -> s.meterRegistry(registry))
                .resolve("/ws-client");
        try (TestWebSocketClient client = TestWebSocketClient.connect(uri)) {
            MediaSession session = blocker.awaitConnect();
            assertThat(session.write(new AudioOutFrame(new byte[3 * CHUNK], 24000, 1)))
                    .isTrue();
            RecordingHandler.await(sent, "chunk 1");
            RecordingHandler.await(sent, "chunk 2"); // chunk 3 is due at 40 ms
            assertThat(clock.awaitPendingTasks(1, WAIT)).isTrue();
            client.sendText("dtmf:9");
            assertThat(blocking.await(5, TimeUnit.SECONDS)).isTrue();

            clock.advance(Duration.ofMillis(70)); // the timer fires while its loop is busy
            release.countDown();

            assertThat(RecordingHandler.await(sent, "chunk 3").atMillis()).isEqualTo(70);
            FunctionTimer lateness = registry.get("tether.media.pacing.lateness")
                    .tag("endpoint", "/ws-client")
                    .functionTimer();
            await().atMost(WAIT)
                    .untilAsserted(() ->
                            assertThat(lateness.count()).isEqualTo(1)); // counted right after the chunk was handed on
            assertThat(lateness.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(30);
            assertThat(count("tether.media.pacing.late", "endpoint", "/ws-client", "over", "2ms"))
                    .isEqualTo(1);
            assertThat(count("tether.media.pacing.late", "endpoint", "/ws-client", "over", "20ms"))
                    .isEqualTo(1);
        }
    }

    @Test
    void countsRefusalsFullQueuesCancelsAndReplacementsByEndpoint() throws Exception {
        MediaTokens tokens = MediaTokens.create(clock);
        URI base = servers.start(
                endpoint("/single").clientMode(ClientMode.SINGLE_REJECT).build(),
                s -> s.meterRegistry(registry)
                        .webSocket(endpoint("/auth").tokens(tokens).build())
                        .webSocket(endpoint("/small")
                                .maxQueuedAudio(Duration.ofMillis(100))
                                .build())
                        .webSocket(endpoint("/replace")
                                .clientMode(ClientMode.SINGLE_REPLACE)
                                .build()));

        try (TestWebSocketClient first = TestWebSocketClient.connect(base.resolve("/single"))) {
            handler.awaitConnect();
            try (TestWebSocketClient second = TestWebSocketClient.connect(base.resolve("/single"))) {
                assertThat(second.awaitClose().code()).isEqualTo(1013);
            }
            assertThat(count("tether.media.clients.refused", "endpoint", "/single", "reason", "busy"))
                    .isEqualTo(1);
            assertThat(open("/single")).isEqualTo(1);
        }
        handler.awaitDisconnect();

        try (TestWebSocketClient anonymous = TestWebSocketClient.connect(base.resolve("/auth"))) {
            assertThat(anonymous.awaitClose().code()).isEqualTo(4003);
        }
        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(registry.find("tether.media.clients.refused")
                                .tags("endpoint", "/auth", "reason", "token")
                                .counter())
                        .isNotNull()
                        .satisfies(c -> assertThat(c.count()).isEqualTo(1)));
        assertThat(count("tether.media.sessions.started", "endpoint", "/auth")).isZero();

        try (TestWebSocketClient client = TestWebSocketClient.connect(base.resolve("/small"))) {
            MediaSession session = handler.awaitConnect();
            assertThat(session.write(new AudioOutFrame(new byte[5 * CHUNK], 24000, 1)))
                    .isTrue(); // nothing waits: taken
            assertThat(session.write(new AudioOutFrame(new byte[CHUNK], 24000, 1)))
                    .isFalse(); // 120 ms or more wait, the bound is 100 ms

            assertThat(count("tether.media.writes.refused", "endpoint", "/small", "queue", "audio"))
                    .isEqualTo(1);
            assertThat(session.refusedWrites()).isEqualTo(1);

            assertThat(session.write(new CancelFrame())).isTrue();
            assertThat(client.awaitClose().code()).isEqualTo(1000);
            handler.awaitDisconnect();
            assertThat(count("tether.media.sessions.ended", "endpoint", "/small", "reason", "cancel"))
                    .isEqualTo(1);
        }

        try (TestWebSocketClient first = TestWebSocketClient.connect(base.resolve("/replace"))) {
            handler.awaitConnect();
            try (TestWebSocketClient second = TestWebSocketClient.connect(base.resolve("/replace"))) {
                handler.awaitConnect();
                assertThat(first.awaitClose().code()).isEqualTo(1000);
                handler.awaitDisconnect();
                assertThat(count("tether.media.sessions.ended", "endpoint", "/replace", "reason", "replaced"))
                        .isEqualTo(1);
                assertThat(open("/replace")).isEqualTo(1);
            }
        }
        assertThat(registry.find("tether.media.writes.refused")
                        .tag("endpoint", "/single")
                        .counters())
                .isEmpty();
    }

    @Test
    void metersAreOnTheMetricsPageAndRemovedWhenTheServerCloses() throws Exception {
        URI uri = servers.start(
                        endpoint("/ws-client").build(),
                        s -> s.meterRegistry(registry).metricsEndpoint(true))
                .resolve("/ws-client");
        try (TestWebSocketClient client = TestWebSocketClient.connect(uri)) {
            handler.awaitConnect();
            HttpResponse<String> metrics = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + uri.getPort() + "/metrics"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());

            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.body())
                    .contains("tether_media_sessions_open{endpoint=\"/ws-client\"} 1")
                    .contains("tether_media_sessions_started_total{endpoint=\"/ws-client\"} 1")
                    .contains("tether_media_audio_received_bytes_total{endpoint=\"/ws-client\"} 0")
                    .contains("tether_media_pacing_lateness_seconds_count{endpoint=\"/ws-client\"} 0")
                    .contains("tether_connections_open "); // the server's own, on the same page
        }
        handler.awaitDisconnect();
        assertThat(registry.find("tether.media.sessions.ended").counters()).hasSize(1);

        servers.close();

        assertThat(registry.getMeters())
                .filteredOn(m -> m.getId().getName().startsWith("tether."))
                .isEmpty();
    }
}
