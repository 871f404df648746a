package dev.tether.webrtc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.media.MediaFrame;
import dev.tether.media.MediaSession;
import dev.tether.media.TransportMessageFrame;
import dev.tether.server.TetherServer;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The signaling handler with real peer connections: a webrtc-java peer offers through the HTTP routes. */
class WebRtcSignalingTest {
    private final EchoBot bot = new EchoBot();
    private WebRtcSignaling signaling;
    private TetherServer server;
    private URI base;

    private void start(UnaryOperator<WebRtcSignaling.Builder> settings) {
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
            server.close(); // closes the signaling handler too (mount registers it with closeWith)
            server = null;
        }
        if (signaling != null) {
            signaling.close();
            signaling = null;
        }
    }

    @Test
    void anOfferIsAnsweredWithAPcIdAndTheDataChannelCarriesMessagesBothWays() throws Exception {
        start(b -> b);
        try (TestPeer peer = new TestPeer(base)) {
            HttpResponse<String> response = peer.offer(TestPeer.JSON.createObjectNode());

            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            JsonNode answer = TestPeer.JSON.readTree(response.body());
            assertThat(answer.path("type").asText()).isEqualTo("answer");
            assertThat(answer.path("pc_id").asText()).matches("SmallWebRTCConnection#\\d+-[0-9a-f]{32}");
            assertThat(answer.path("sdp").asText()).contains("a=candidate:");
            peer.accept(response);
            MediaSession session = bot.awaitConnect();
            assertThat(session.id().toString().replace("-", ""))
                    .isEqualTo(peer.pcId.substring(peer.pcId.indexOf('-') + 1));
            peer.awaitConnected();

            peer.send("{\"label\":\"rtvi-ai\",\"type\":\"client-ready\",\"id\":\"r1\",\"data\":{}}");
            JsonNode ready = peer.nextMessage();
            assertThat(ready.path("type").asText()).isEqualTo("bot-ready");
            assertThat(ready.path("id").asText()).isEqualTo("r1");

            peer.send("{\"hello\":\"bot\"}");
            assertThat(peer.nextMessage().toString()).isEqualTo("{\"echo\":{\"hello\":\"bot\"}}");
            assertThat(bot.messages
                            .poll(10, TimeUnit.SECONDS)
                            .message()
                            .path("type")
                            .asText())
                    .isEqualTo("client-ready");
            assertThat(bot.messages.poll(10, TimeUnit.SECONDS).message().toString())
                    .isEqualTo("{\"hello\":\"bot\"}");
        }
        assertThat(bot.awaitDisconnect().code()).isEqualTo(1000);
    }

    @Test
    void audioFromThePeerReachesTheHandlerAt16kHzAndTheEchoComesBack() throws Exception {
        start(b -> b);
        try (TestPeer peer = new TestPeer(base).connect()) {
            peer.awaitConnected();
            bot.awaitConnect();
            for (int frame = 0; frame < 300 && (bot.audioFrames.get() < 50 || peer.loudFrames.get() < 20); frame++) {
                peer.pushTone(frame);
                TimeUnit.MILLISECONDS.sleep(10); // the microphone's own pace: 10 ms of audio per 10 ms
            }

            assertThat(bot.audioFrames.get()).isGreaterThanOrEqualTo(50);
            assertThat(bot.audioRate.get()).isEqualTo(16_000);
            assertThat(peer.loudFrames.get())
                    .as("echoed frames with the tone's energy")
                    .isGreaterThanOrEqualTo(20);
        }
    }

    @Test
    void aKnownPcIdRenegotiatesTheSameConnectionWithoutAnotherOnConnect() throws Exception {
        start(b -> b);
        try (TestPeer peer = new TestPeer(base).connect()) {
            peer.awaitConnected();
            String first = peer.pcId;

            HttpResponse<String> again = peer.offer(TestPeer.JSON.createObjectNode());

            assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
            assertThat(TestPeer.JSON.readTree(again.body()).path("pc_id").asText())
                    .isEqualTo(first);
            peer.accept(again);
            assertThat(bot.connectCount.get()).isEqualTo(1);
            assertThat(signaling.connections()).isEqualTo(1);
        }
    }

    @Test
    void restartPcClosesTheConnectionAndAnswersUnderANewPcId() throws Exception {
        start(b -> b);
        try (TestPeer peer = new TestPeer(base).connect()) {
            peer.awaitConnected();
            bot.awaitConnect();
            String first = peer.pcId;
            ObjectNode restart = TestPeer.JSON.createObjectNode().put("restart_pc", true);

            HttpResponse<String> response = peer.offer(restart);

            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(TestPeer.JSON.readTree(response.body()).path("pc_id").asText())
                    .isNotEqualTo(first);
            bot.awaitDisconnect();
            bot.awaitConnect();
            assertThat(signaling.connections()).isEqualTo(1);
        }
    }

    @Test
    void singleModeRefusesASecondOfferWithTheExactBodies() throws Exception {
        start(b -> b.connectionMode(ConnectionMode.SINGLE));
        try (TestPeer first = new TestPeer(base).connect();
                TestPeer second = new TestPeer(base)) {
            HttpResponse<String> withoutId = second.offer(TestPeer.JSON.createObjectNode());
            second.pcId = "SmallWebRTCConnection#9-00000000000000000000000000000000";
            HttpResponse<String> otherId = second.offer(TestPeer.JSON.createObjectNode());

            assertThat(withoutId.statusCode()).isEqualTo(400);
            assertThat(withoutId.body())
                    .isEqualTo("{\"detail\":\"Cannot create new connection with existing connection active\"}");
            assertThat(otherId.statusCode()).isEqualTo(400);
            assertThat(otherId.body()).isEqualTo("{\"detail\":\"PC ID mismatch with existing connection\"}");
            assertThat(signaling.connections()).isEqualTo(1);
        }
    }

    @Test
    void singleModeGivesOneOfTwoSimultaneousOffersTheConnection() throws Exception {
        start(b -> b.connectionMode(ConnectionMode.SINGLE));
        try (TestPeer first = new TestPeer(base);
                TestPeer second = new TestPeer(base)) {
            var one = java.util.concurrent.CompletableFuture.supplyAsync(() -> offer(first));
            var two = java.util.concurrent.CompletableFuture.supplyAsync(() -> offer(second));

            java.util.List<Integer> statuses = java.util.List.of(
                    one.get(20, TimeUnit.SECONDS).statusCode(),
                    two.get(20, TimeUnit.SECONDS).statusCode());

            assertThat(statuses).containsExactlyInAnyOrder(200, 400);
            assertThat(signaling.connections()).isEqualTo(1);
        }
    }

    private static HttpResponse<String> offer(TestPeer peer) {
        try {
            return peer.offer(TestPeer.JSON.createObjectNode());
        } catch (Exception e) {
            throw new java.util.concurrent.CompletionException(e);
        }
    }

    @Test
    void anSdpLibwebrtcCannotParseIs400AndLeavesNothingBehind() throws Exception {
        start(b -> b.connectionMode(ConnectionMode.SINGLE));
        try (TestPeer peer = new TestPeer(base)) {
            HttpResponse<String> garbage = peer.post("/api/offer", "{\"sdp\":\"v=0 not an offer\",\"type\":\"offer\"}");

            assertThat(garbage.statusCode()).isEqualTo(400);
            assertThat(TestPeer.JSON.readTree(garbage.body()).path("detail").asText())
                    .startsWith("Invalid offer: ");
            assertThat(signaling.connections()).isZero();
            // In single mode a leftover would refuse the next offer: the real one gets its connection.
            peer.connect();
            peer.roundTrip();
        }
        assertThat(bot.connectCount.get()).isEqualTo(1);
    }

    @Test
    void anUnknownPcIdInMultipleModeMakesANewConnection() throws Exception {
        start(b -> b);
        try (TestPeer peer = new TestPeer(base)) {
            peer.pcId = "SmallWebRTCConnection#77-0123456789abcdef0123456789abcdef";
            HttpResponse<String> response = peer.offer(TestPeer.JSON.createObjectNode());

            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(TestPeer.JSON.readTree(response.body()).path("pc_id").asText())
                    .isNotEqualTo(peer.pcId);
        }
    }

    @Test
    void patchForAnUnknownPcIdIs404AndAKnownOneTakesCandidatesPastTheEndMarkerAndAMalformedOne() throws Exception {
        start(b -> b);
        try (TestPeer peer = new TestPeer(base).connect()) {
            HttpResponse<String> unknown = peer.send("PATCH", "/api/offer", "{\"pc_id\":\"nope\",\"candidates\":[]}");
            String candidates = "{\"pc_id\":\"" + peer.pcId + "\",\"candidates\":["
                    + "{\"candidate\":\"\",\"sdp_mid\":\"0\",\"sdp_mline_index\":0},"
                    + "{\"candidate\":\"candidate:not one at all\",\"sdp_mid\":\"0\",\"sdp_mline_index\":0},"
                    + "{\"candidate\":\"candidate:1 1 udp 2122260223 127.0.0.1 9 typ host\",\"sdp_mid\":\"0\","
                    + "\"sdp_mline_index\":0}]}";
            HttpResponse<String> known = peer.send("PATCH", "/api/offer", candidates);

            assertThat(unknown.statusCode()).isEqualTo(404);
            assertThat(unknown.body()).isEqualTo("{\"detail\":\"Peer connection not found\"}");
            assertThat(known.statusCode()).as(known.body()).isEqualTo(200);
            assertThat(known.body()).isEqualTo("{\"status\":\"success\"}");
            peer.awaitConnected();
        }
    }

    @Test
    void badBodiesAre422AndChangeNothing() throws Exception {
        start(b -> b);
        try (TestPeer peer = new TestPeer(base)) {
            HttpResponse<String> missing = peer.post("/api/offer", "{\"type\":\"offer\"}");
            HttpResponse<String> notJson = peer.post("/api/offer", "{\"sdp\":");
            HttpResponse<String> badPatch = peer.send("PATCH", "/api/offer", "{\"pc_id\":1}");

            assertThat(missing.statusCode()).isEqualTo(422);
            assertThat(missing.body()).contains("\"loc\":[\"body\",\"sdp\"]");
            assertThat(notJson.statusCode()).isEqualTo(422);
            assertThat(badPatch.statusCode()).isEqualTo(422);
            assertThat(signaling.connections()).isZero();
        }
    }

    @Test
    void aFailingOnConnectIsIsolatedAndTheAnswerStillReturned() throws Exception {
        EchoBot failing = new EchoBot() {
            @Override
            public void onConnect(MediaSession session) {
                super.onConnect(session);
                throw new IllegalStateException("the bot failed to start, on purpose");
            }
        };
        signaling = WebRtcSignaling.builder(failing).build();
        server = signaling
                .mount(TetherServer.builder().host("127.0.0.1").port(0))
                .build()
                .start();
        base = URI.create("http://127.0.0.1:" + server.port() + "/");
        try (TestPeer peer = new TestPeer(base)) {
            HttpResponse<String> response = peer.offer(TestPeer.JSON.createObjectNode());

            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            failing.awaitConnect();
            assertThat(failing.awaitDisconnect().code()).isEqualTo(1011);
        }
    }

    @Test
    void closingThePeerRemovesItsConnection() throws Exception {
        start(b -> b);
        TestPeer peer = new TestPeer(base).connect();
        peer.awaitConnected();
        bot.awaitConnect();
        assertThat(signaling.connections()).isEqualTo(1);

        peer.close();

        bot.awaitDisconnect();
        assertThat(signaling.connections()).isZero();
    }

    @Test
    void shutdownSaysPeerLeftToEveryPeerAndEmptiesTheMap() throws Exception {
        start(b -> b);
        try (TestPeer one = new TestPeer(base).connect();
                TestPeer two = new TestPeer(base).connect()) {
            one.roundTrip();
            two.roundTrip();
            bot.awaitConnect();
            bot.awaitConnect();

            signaling.close();

            String peerLeft = "{\"type\":\"signalling\",\"message\":{\"type\":\"peerLeft\"}}";
            assertThat(one.nextMessage().toString()).isEqualTo(peerLeft);
            assertThat(two.nextMessage().toString()).isEqualTo(peerLeft);
            assertThat(signaling.connections()).isZero();
            assertThat(bot.awaitDisconnect().code()).isEqualTo(1001);
        }
    }

    @Test
    void anEndFrameFromTheBotClosesThePeerConnection() throws Exception {
        start(b -> b);
        try (TestPeer peer = new TestPeer(base).connect()) {
            peer.roundTrip();
            MediaSession session = bot.awaitConnect();
            MediaFrame end = new dev.tether.media.EndFrame();

            assertThat(session.write(new TransportMessageFrame(
                            TestPeer.JSON.createObjectNode().put("bye", 1))))
                    .isTrue();
            assertThat(session.write(end)).isTrue();

            assertThat(peer.nextMessage().toString()).isEqualTo("{\"bye\":1}");
            assertThat(bot.awaitDisconnect().code()).isEqualTo(1000);
            assertThat(signaling.connections()).isZero();
        }
    }

    @Test
    void theListenerHearsTheStatesAndTheClientsAudioTrackOnTheSessionsThread() throws Exception {
        java.util.concurrent.BlockingQueue<String> events = new java.util.concurrent.LinkedBlockingQueue<>();
        java.util.Set<String> threads = java.util.concurrent.ConcurrentHashMap.newKeySet();
        start(b -> b.listener(new PeerListener() {
            @Override
            public void onStateChange(MediaSession session, PeerState state) {
                threads.add(Thread.currentThread().getName());
                events.add("state " + state);
            }

            @Override
            public void onTrackStarted(MediaSession session, String kind) {
                threads.add(Thread.currentThread().getName());
                events.add("track " + kind);
            }
        }));
        try (TestPeer peer = new TestPeer(base).connect()) {
            peer.roundTrip();
        }
        bot.awaitDisconnect();

        java.util.List<String> seen = new java.util.ArrayList<>();
        while (!seen.contains("state CLOSED")) {
            String event = events.poll(10, TimeUnit.SECONDS);
            assertThat(event).as("events so far: %s", seen).isNotNull();
            seen.add(event);
        }
        assertThat(seen).contains("track audio");
        assertThat(threads).singleElement().asString().matches("tether-webrtc-\\d+-\\d+");
        assertThat(seen.stream().filter(e -> e.startsWith("state")))
                .containsSubsequence("state CONNECTING", "state CONNECTED", "state CLOSED");
    }

    @Test
    void esp32ModeKeepsOnlyTheHostsCandidatesAndConnects() throws Exception {
        String host = firstHostCandidateAddress();
        stop();
        start(b -> b.esp32(host));
        try (TestPeer peer = new TestPeer(base)) {
            HttpResponse<String> response = peer.offer(TestPeer.JSON.createObjectNode());

            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            String sdp = TestPeer.JSON.readTree(response.body()).path("sdp").asText();
            assertThat(sdp).doesNotContain("sha-384").doesNotContain("sha-512").endsWith("\r\n");
            assertThat(sdp.lines().filter(line -> line.startsWith("a=candidate")))
                    .isNotEmpty()
                    .allSatisfy(line -> assertThat(line).contains(host).doesNotContain("raddr"));
            peer.accept(response);
            peer.awaitConnected();
        }
    }

    /** The address of the first host candidate of a plain answer: the one an ESP32 on this network would reach. */
    private String firstHostCandidateAddress() throws Exception {
        start(b -> b);
        try (TestPeer peer = new TestPeer(base)) {
            String sdp = TestPeer.JSON
                    .readTree(peer.offer(TestPeer.JSON.createObjectNode()).body())
                    .path("sdp")
                    .asText();
            String candidate = sdp.lines()
                    .filter(line -> line.startsWith("a=candidate") && line.contains("typ host"))
                    .findFirst()
                    .orElseThrow();
            return candidate.split(" ")[4]; // a=candidate:foundation component transport priority ADDRESS port ...
        }
    }
}
