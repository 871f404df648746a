package dev.tether.webrtc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tether.media.MediaSession;
import dev.tether.media.TransportMessageFrame;
import dev.tether.server.CloseStatus;
import dev.tether.server.TetherServer;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A connection's own rules: the connecting timer, the queue before the data channel opens, track status. */
class PeerRulesTest {
    private WebRtcSignaling signaling;
    private TetherServer server;
    private URI base;

    private void start(EchoBot bot, UnaryOperator<WebRtcSignaling.Builder> settings) {
        signaling = settings.apply(WebRtcSignaling.builder(bot)).build();
        server = signaling
                .mount(TetherServer.builder().host("127.0.0.1").port(0))
                .build()
                .start();
        base = URI.create("http://127.0.0.1:" + server.port() + "/");
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aConnectionThatDoesNotConnectInTimeIsClosed() throws Exception {
        EchoBot bot = new EchoBot();
        start(bot, b -> b.set(WebRtcSettings.CONNECTING_TIMEOUT, Duration.ofMillis(500)));
        try (TestPeer peer = new TestPeer(base)) {
            HttpResponse<String> answer = peer.offer(TestPeer.JSON.createObjectNode()); // never set: no connectivity

            assertThat(answer.statusCode()).isEqualTo(200);
            bot.awaitConnect();
            CloseStatus status = bot.awaitDisconnect();
            assertThat(status.code()).isEqualTo(CloseStatus.ABNORMAL);
            assertThat(status.reason()).isEqualTo("Timed out connecting");
            assertThat(signaling.connections()).isZero();
        }
    }

    @Test
    void messagesWrittenBeforeTheDataChannelOpensWaitThereUpToTheBound() throws Exception {
        EchoBot bot = new EchoBot() {
            @Override
            public void onConnect(MediaSession session) {
                super.onConnect(session);
                for (int n = 0; n < 60; n++) {
                    session.write(new TransportMessageFrame(
                            TestPeer.JSON.createObjectNode().put("n", n)));
                }
            }
        };
        List<String> states = java.util.Collections.synchronizedList(new ArrayList<>());
        start(
                bot,
                b -> b.listener(new PeerListener() {
                    @Override
                    public void onStateChange(MediaSession session, PeerState state) {
                        states.add(state.name());
                    }
                }));
        try (TestPeer peer = new TestPeer(base).connect()) {
            peer.awaitConnected();
            peer.send("{\"ping\":true}");

            List<Integer> early = new ArrayList<>();
            JsonNode message = peer.pollMessage();
            while (message != null && !message.has("echo")) {
                early.add(message.path("n").asInt());
                message = peer.pollMessage();
            }

            assertThat(message)
                    .as("the echo after %s; server states %s", early, states)
                    .isNotNull();
            assertThat(early).hasSize(50).startsWith(0, 1, 2).endsWith(48, 49);
        }
    }

    @Test
    void trackStatusDisablesAndEnablesTheAudioThatReachesTheBot() throws Exception {
        EchoBot bot = new EchoBot();
        start(bot, b -> b);
        try (TestPeer peer = new TestPeer(base).connect()) {
            peer.roundTrip();
            int frame = 0;
            while (bot.audioFrames.get() < 20 && frame < 500) {
                peer.pushTone(frame++);
                TimeUnit.MILLISECONDS.sleep(10); // a microphone's pace
            }
            assertThat(bot.audioFrames.get()).isGreaterThanOrEqualTo(20);

            peer.send(trackStatus(false));
            peer.roundTrip(); // the status was handled: the ping came after it on the same channel
            long atDisable = bot.audioFrames.get();
            for (int i = 0; i < 100; i++) {
                peer.pushTone(frame++);
                TimeUnit.MILLISECONDS.sleep(10);
            }
            peer.roundTrip();
            long whileDisabled = bot.audioFrames.get() - atDisable;

            peer.send(trackStatus(true));
            peer.roundTrip();
            long atEnable = bot.audioFrames.get();
            for (int i = 0; i < 500 && bot.audioFrames.get() < atEnable + 20; i++) {
                peer.pushTone(frame++);
                TimeUnit.MILLISECONDS.sleep(10);
            }

            assertThat(whileDisabled)
                    .as("frames delivered while the track was disabled")
                    .isZero();
            assertThat(bot.audioFrames.get()).isGreaterThanOrEqualTo(atEnable + 20);
        }
    }

    private static String trackStatus(boolean enabled) {
        return "{\"type\":\"signalling\",\"message\":{\"type\":\"trackStatus\",\"receiver_index\":0,\"enabled\":"
                + enabled + "}}";
    }
}
