package dev.tether.media;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.tether.media.internal.audio.G711;
import dev.tether.media.internal.serializer.DetectingSerializer;
import dev.tether.testing.CloseFrame;
import dev.tether.testing.Message;
import dev.tether.testing.TestWebSocketClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The telephony route ({@link FrameSerializers#telephony(TelephonyOptions)}) end to end: a fake provider on a real
 * socket, the provider's REST API on a local HTTP server.
 */
class TelephonyRouteTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TWILIO_STREAM = "MZ18ad3ab5a668481ce02b83e7395059f0";
    private static final String TWILIO_CALL = "CA5e1fd3b2c7a84b1f8b9d0e2f3a4b5c6d";

    private final MediaServers servers = new MediaServers();
    private final BlockingQueue<String> hangUps = new LinkedBlockingQueue<>(); // "METHOD path body"
    private final CountDownLatch answerHangUps = new CountDownLatch(1);
    private HttpServer api;

    @BeforeEach
    void startApi() throws IOException {
        api = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        api.setExecutor(Executors.newCachedThreadPool());
        api.createContext("/", exchange -> {
            try (exchange) {
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                hangUps.add(exchange.getRequestMethod() + " "
                        + exchange.getRequestURI().getRawPath() + " " + body);
                answerHangUps.await(10, TimeUnit.SECONDS);
                byte[] answer = "{}".getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(200, answer.length);
                exchange.getResponseBody().write(answer);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        api.start();
    }

    @AfterEach
    void stop() {
        answerHangUps.countDown();
        servers.close();
        api.stop(0);
    }

    private String apiUrl() {
        return "http://127.0.0.1:" + api.getAddress().getPort();
    }

    private TelephonyOptions options() {
        return TelephonyOptions.builder()
                .environment(
                        Map.of("TWILIO_ACCOUNT_SID", "AC1", "TWILIO_AUTH_TOKEN", "secret", "TELNYX_API_KEY", "KEY"))
                .twilio(b -> b.baseUrl(apiUrl()))
                .telnyx(b -> b.baseUrl(apiUrl()).outboundEncoding(TelnyxOptions.Encoding.PCMA))
                .build();
    }

    private URI start(MediaHandler handler) {
        return start(handler, options(), Duration.ofSeconds(10));
    }

    private URI start(MediaHandler handler, TelephonyOptions options, Duration closeTimeout) {
        return servers.start(MediaEndpoint.builder("/ws", handler)
                        .serializer(() -> FrameSerializers.telephony(options))
                        .closeTimeout(closeTimeout)
                        .build())
                .resolve("/ws");
    }

    @Test
    void twilioCallPlaysQueuedAudioToItsEndThenHangsUpThenCloses() throws Exception {
        byte[] greeting = tone(2400, 24000); // 100 ms at 24 kHz, written before the provider is known
        RecordingHandler handler = new RecordingHandler() {
            @Override
            public void onConnect(MediaSession session) {
                super.onConnect(session);
                assertThat(session.write(new AudioOutFrame(greeting, 24000, 1))).isTrue();
            }
        };
        try (TestWebSocketClient provider = TestWebSocketClient.connect(start(handler))) {
            MediaSession session = handler.awaitConnect();
            provider.sendText(fixture("twilio-connected.json"));
            provider.sendText(fixture("twilio-start.json"));

            TelephonyCallFrame started = (TelephonyCallFrame) handler.awaitFrame();
            assertThat(started.call().provider()).isEqualTo(TelephonyProvider.TWILIO);
            assertThat(started.call().streamId()).isEqualTo(TWILIO_STREAM);
            assertThat(started.call().callId()).isEqualTo(TWILIO_CALL);
            assertThat(started.call().customParameters()).containsEntry("user_id", "u-42");
            assertThat(session.attributes().get(TelephonyCall.ATTRIBUTE)).isEqualTo(started.call());

            provider.sendText(fixture("twilio-media.json"));
            AudioInFrame in = (AudioInFrame) handler.awaitFrame();
            assertThat(in.sampleRate()).isEqualTo(16000);

            assertThat(session.write(new EndFrame())).isTrue();
            String hangUp = hangUps.poll(10, TimeUnit.SECONDS);
            assertThat(hangUp)
                    .isEqualTo("POST /2010-04-01/Accounts/AC1/Calls/" + TWILIO_CALL + ".json Status=completed");
            assertThat(provider.closeFrame())
                    .as("no close before the hang-up answered")
                    .isNull();

            answerHangUps.countDown();
            CloseFrame close = provider.awaitClose();
            assertThat(close.code()).isEqualTo(1000);
            List<JsonNode> media = new ArrayList<>();
            for (Message message; (message = provider.pollMessage(Duration.ZERO)) != null; ) {
                media.add(JSON.readTree(message.text()));
            }
            assertThat(media).allSatisfy(event -> {
                assertThat(event.path("event").asText()).isEqualTo("media");
                assertThat(event.path("streamSid").asText()).isEqualTo(TWILIO_STREAM);
            });
            int ulawBytes = media.stream()
                    .mapToInt(event -> Base64.getDecoder()
                            .decode(event.path("media").path("payload").asText())
                            .length)
                    .sum();
            assertThat(ulawBytes)
                    .as("100 ms at 8 kHz, the resampler's tail included")
                    .isEqualTo(800);
        }
    }

    @Test
    void twilioInterruptionSendsClear() throws Exception {
        RecordingHandler handler = new RecordingHandler();
        try (TestWebSocketClient provider = TestWebSocketClient.connect(start(handler))) {
            MediaSession session = handler.awaitConnect();
            provider.sendText(fixture("twilio-start.json"));
            assertThat(handler.awaitFrame()).isInstanceOf(TelephonyCallFrame.class);

            session.write(new InterruptionFrame());

            assertThat(JSON.readTree(provider.awaitText()))
                    .isEqualTo(JSON.readTree("{\"event\":\"clear\",\"streamSid\":\"" + TWILIO_STREAM + "\"}"));
        }
    }

    @Test
    void telnyxPcmaCallReadsAndWritesALawAndHangsUp() throws Exception {
        RecordingHandler handler = new RecordingHandler();
        try (TestWebSocketClient provider = TestWebSocketClient.connect(start(handler))) {
            MediaSession session = handler.awaitConnect();
            provider.sendText(fixture("telnyx-connected.json"));
            provider.sendText(fixture("telnyx-start-pcma.json"));
            TelephonyCallFrame started = (TelephonyCallFrame) handler.awaitFrame();
            assertThat(started.call().provider()).isEqualTo(TelephonyProvider.TELNYX);
            assertThat(started.call().mediaEncoding()).isEqualTo("PCMA");

            provider.sendText(fixture("telnyx-media-pcma.json"));
            String payload = JSON.readTree(fixture("telnyx-media-pcma.json"))
                    .path("media")
                    .path("payload")
                    .asText();
            AudioInFrame in = (AudioInFrame) handler.awaitFrame();
            assertThat(in.sampleRate()).isEqualTo(16000);
            int samples = G711.alawToPcm(Base64.getDecoder().decode(payload)).length / 2;
            assertThat(in.audio().length / 2)
                    .as("twice the samples, less what the resampler holds back")
                    .isBetween(2 * samples - 110, 2 * samples);

            byte[] pcm = tone(320, 8000); // one 40 ms chunk at the provider's rate: no resampling
            session.write(new AudioOutFrame(pcm, 8000, 1));
            JsonNode media = JSON.readTree(provider.awaitText());
            assertThat(media.path("event").asText()).isEqualTo("media");
            assertThat(Base64.getDecoder()
                            .decode(media.path("media").path("payload").asText()))
                    .isEqualTo(G711.pcmToAlaw(pcm));

            answerHangUps.countDown();
            session.write(new EndFrame());
            assertThat(hangUps.poll(10, TimeUnit.SECONDS))
                    .startsWith("POST /v2/calls/")
                    .contains("/actions/hangup");
            assertThat(provider.awaitClose().code()).isEqualTo(1000);
        }
    }

    @Test
    void unknownProviderIsClosedWithTheReason() {
        RecordingHandler handler = new RecordingHandler();
        try (TestWebSocketClient provider = TestWebSocketClient.connect(start(handler))) {
            handler.awaitConnect();
            provider.sendText("{\"event\":\"connected\"}");
            provider.sendText("{\"event\":\"hello\",\"start\":{}}");

            CloseFrame close = provider.awaitClose();
            assertThat(close.code()).isEqualTo(1008);
            assertThat(close.reason())
                    .isEqualTo("Unsupported telephony provider: unknown. Supported providers: twilio, telnyx, plivo,"
                            + " exotel");
        }
        assertThat(handler.awaitDisconnect().code()).isEqualTo(1008);
    }

    @Test
    void closeBeforeAnyMessageIsLogged() {
        RecordingHandler handler = new RecordingHandler();
        List<String> warnings = recordWarnings(DetectingSerializer.class, () -> {
            try (TestWebSocketClient provider = TestWebSocketClient.connect(start(handler))) {
                handler.awaitConnect();
            }
            handler.awaitDisconnect();
        });
        assertThat(warnings).containsExactly("WebSocket closed before receiving telephony handshake messages");
    }

    @Test
    void audioWrittenBeforeAnUnknownProviderIsDroppedWithTheConnection() {
        RecordingHandler handler = new RecordingHandler() {
            @Override
            public void onConnect(MediaSession session) {
                super.onConnect(session);
                session.write(new AudioOutFrame(tone(2400, 24000), 24000, 1));
            }
        };
        try (TestWebSocketClient provider = TestWebSocketClient.connect(start(handler))) {
            MediaSession session = handler.awaitConnect();
            assertThat(session.queuedAudio()).isEqualTo(Duration.ofMillis(100));
            provider.sendText("{}");
            provider.sendText("{}");

            assertThat(provider.awaitClose().code()).isEqualTo(1008);
            assertThat(provider.receivedFrames()).noneMatch(frame -> frame.opcode() == 1);
        }
    }

    @Test
    void hangUpThatDoesNotAnswerDelaysTheCloseByTheCloseTimeoutAtMost() throws Exception {
        RecordingHandler handler = new RecordingHandler();
        URI uri = start(handler, options(), Duration.ofMillis(200));
        try (TestWebSocketClient provider = TestWebSocketClient.connect(uri)) {
            MediaSession session = handler.awaitConnect();
            provider.sendText(fixture("twilio-start.json"));
            assertThat(handler.awaitFrame()).isInstanceOf(TelephonyCallFrame.class);

            session.write(new EndFrame());

            assertThat(hangUps.poll(10, TimeUnit.SECONDS)).startsWith("POST ");
            assertThat(provider.awaitClose().code()).isEqualTo(1000); // the API still holds the request
        }
    }

    @Test
    void cancelHangsUpWithoutTheQueuedAudio() throws Exception {
        RecordingHandler handler = new RecordingHandler();
        try (TestWebSocketClient provider = TestWebSocketClient.connect(start(handler))) {
            MediaSession session = handler.awaitConnect();
            provider.sendText(fixture("twilio-start.json"));
            assertThat(handler.awaitFrame()).isInstanceOf(TelephonyCallFrame.class);
            session.write(new AudioOutFrame(tone(24000, 24000), 24000, 1)); // 1 s
            JsonNode first = JSON.readTree(provider.awaitText());
            assertThat(first.path("event").asText()).isEqualTo("media");

            answerHangUps.countDown();
            session.write(new CancelFrame());

            assertThat(hangUps.poll(10, TimeUnit.SECONDS)).endsWith(" Status=completed");
            assertThat(provider.awaitClose().code()).isEqualTo(1000);
            int later = 0;
            for (Message message; (message = provider.pollMessage(Duration.ZERO)) != null; ) {
                later++;
            }
            assertThat(later)
                    .as("chunks sent after the first, well short of 1 s")
                    .isLessThan(24);
        }
    }

    @Test
    void callWithoutTheCredentialsAutoHangUpNeedsIsClosedWith1011() {
        RecordingHandler handler = new RecordingHandler();
        TelephonyOptions noCredentials = TelephonyOptions.builder().build();
        URI uri = start(handler, noCredentials, Duration.ofSeconds(10));
        try (TestWebSocketClient provider = TestWebSocketClient.connect(uri)) {
            handler.awaitConnect();
            provider.sendText(fixture("twilio-start.json"));

            CloseFrame close = provider.awaitClose();
            assertThat(close.code()).isEqualTo(1011);
            assertThat(close.reason())
                    .isEqualTo("auto_hang_up is enabled but missing required parameters: account_sid, auth_token");
        }
    }

    @Test
    void exotelCallClosesAtOnceOnEnd() {
        RecordingHandler handler = new RecordingHandler();
        try (TestWebSocketClient provider = TestWebSocketClient.connect(start(handler))) {
            MediaSession session = handler.awaitConnect();
            provider.sendText(fixture("exotel-connected.json"));
            provider.sendText(fixture("exotel-start.json"));
            assertThat(((TelephonyCallFrame) handler.awaitFrame()).call().provider())
                    .isEqualTo(TelephonyProvider.EXOTEL);

            session.write(new EndFrame());

            assertThat(provider.awaitClose().code()).isEqualTo(1000);
        }
        assertThat(hangUps).isEmpty();
    }

    @Test
    void oneMessageThenCloseWarnsAndDetectsFromIt() {
        RecordingHandler handler = new RecordingHandler();
        List<String> warnings = recordWarnings(TelephonyDetection.class, () -> {
            try (TestWebSocketClient provider = TestWebSocketClient.connect(start(handler))) {
                handler.awaitConnect();
                provider.sendText(fixture("twilio-connected.json"));
            }
            handler.awaitDisconnect();
        });
        assertThat(warnings)
                .containsExactly(
                        "Only received one WebSocket message, expected two",
                        "Could not auto-detect the telephony provider");
    }

    /** Runs {@code action} and returns what {@code type} logged at warn meanwhile. */
    private static List<String> recordWarnings(Class<?> type, Runnable action) {
        Logger logger = (Logger) LoggerFactory.getLogger(type);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        try {
            action.run();
        } finally {
            logger.detachAppender(appender);
        }
        synchronized (appender.list) {
            return appender.list.stream()
                    .filter(event -> event.getLevel() == Level.WARN)
                    .map(ILoggingEvent::getFormattedMessage)
                    .toList();
        }
    }

    /** {@code samples} of a 440 Hz tone at {@code rate}, 16-bit little-endian. */
    private static byte[] tone(int samples, int rate) {
        byte[] pcm = new byte[samples * 2];
        for (int i = 0; i < samples; i++) {
            int s = (int) Math.round(8000 * Math.sin(2 * Math.PI * 440 * i / rate));
            pcm[2 * i] = (byte) s;
            pcm[2 * i + 1] = (byte) (s >> 8);
        }
        return pcm;
    }

    private static String fixture(String name) {
        try (@Nullable InputStream in = TelephonyRouteTest.class.getResourceAsStream("/telephony/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
