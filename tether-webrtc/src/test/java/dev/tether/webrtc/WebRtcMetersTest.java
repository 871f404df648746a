package dev.tether.webrtc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tether.server.TetherServer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The signaling handler's meters in the server's registry, over real offers and a real peer connection. */
class WebRtcMetersTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final EchoBot bot = new EchoBot();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private WebRtcSignaling signaling;
    private TetherServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private double count(String name, String... tags) {
        Counter counter = registry.find(name).tags(tags).counter();
        return counter == null ? 0 : counter.count();
    }

    private long requests(String request) {
        return registry.get("tether.webrtc.signaling.requests")
                .tag("request", request)
                .timer()
                .count();
    }

    @Test
    void countsOffersAnswersRefusalsCandidatesAndPeersByHowTheyEnded() throws Exception {
        signaling = WebRtcSignaling.builder(bot)
                .connectionMode(ConnectionMode.SINGLE)
                .build();
        server = signaling
                .mount(TetherServer.builder().host("127.0.0.1").port(0).meterRegistry(registry))
                .build()
                .start();
        URI base = URI.create("http://127.0.0.1:" + server.port() + "/");
        assertThat(registry.get("tether.webrtc.peers.open").gauge().value()).isZero();

        TestPeer peer = new TestPeer(base).connect();
        peer.awaitConnected();
        bot.awaitConnect();
        assertThat(count("tether.webrtc.offers.received")).isEqualTo(1);
        assertThat(count("tether.webrtc.answers.sent")).isEqualTo(1);
        assertThat(registry.get("tether.webrtc.peers.open").gauge().value()).isEqualTo(1);
        await().atMost(WAIT)
                .untilAsserted(
                        () -> assertThat(count("tether.webrtc.peers.connected")).isEqualTo(1));
        assertThat(count("tether.media.sessions.started", "endpoint", "webrtc")).isEqualTo(1);

        String candidates = "{\"pc_id\":\"" + peer.pcId + "\",\"candidates\":["
                + "{\"candidate\":\"\",\"sdp_mid\":\"0\",\"sdp_mline_index\":0}," // the end marker: not a candidate
                + "{\"candidate\":\"candidate:1 1 udp 2122260223 127.0.0.1 9 typ host\",\"sdp_mid\":\"0\","
                + "\"sdp_mline_index\":0},"
                + "{\"candidate\":\"candidate:2 1 udp 2122260222 127.0.0.1 10 typ host\",\"sdp_mid\":\"0\","
                + "\"sdp_mline_index\":0}]}";
        assertThat(peer.send("PATCH", "/api/offer", candidates).statusCode()).isEqualTo(200);
        assertThat(peer.send("PATCH", "/api/offer", "{\"pc_id\":\"nope\",\"candidates\":[]}")
                        .statusCode())
                .isEqualTo(404);
        assertThat(count("tether.webrtc.candidates.received")).isEqualTo(2);
        assertThat(requests("candidates")).isEqualTo(2);

        try (TestPeer second = new TestPeer(base)) {
            HttpResponse<String> refused = second.offer(TestPeer.JSON.createObjectNode());
            assertThat(refused.statusCode()).isEqualTo(400); // single mode: one connection at a time
            assertThat(second.post("/api/offer", "{\"sdp\":").statusCode()).isEqualTo(422);
        }
        assertThat(count("tether.webrtc.offers.received")).isEqualTo(3);
        assertThat(count("tether.webrtc.answers.sent")).isEqualTo(1);
        assertThat(count("tether.webrtc.offers.refused", "status", "400")).isEqualTo(1);
        assertThat(count("tether.webrtc.offers.refused", "status", "422")).isEqualTo(1);
        assertThat(registry.find("tether.webrtc.offers.refused").counters())
                .as("statuses that did not happen have no counter")
                .hasSize(2);
        assertThat(requests("offer")).isEqualTo(3);
        assertThat(registry.get("tether.webrtc.signaling.requests")
                        .tag("request", "offer")
                        .timer()
                        .max(TimeUnit.NANOSECONDS))
                .isPositive();

        peer.close();
        bot.awaitDisconnect();
        assertThat(count("tether.webrtc.peers.closed", "state", "connected")).isEqualTo(1);
        assertThat(registry.find("tether.webrtc.peers.closed").counters()).hasSize(1);
        assertThat(registry.get("tether.webrtc.peers.open").gauge().value()).isZero();
        assertThat(count("tether.media.sessions.ended", "endpoint", "webrtc", "reason", "client"))
                .isEqualTo(1);

        server.close();
        assertThat(registry.getMeters())
                .filteredOn(m -> m.getId().getName().startsWith("tether."))
                .isEmpty();
    }
}
