package dev.tether.webrtc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tether.server.TetherServer;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The development runner's routes around the offer: {@code /start}, {@code /sessions/{id}/...}, {@code /status}. */
class RunnerRoutesTest {
    private final EchoBot bot = new EchoBot();
    private WebRtcSignaling signaling;
    private TetherServer server;
    private TestPeer http;

    @BeforeEach
    void start() {
        signaling = WebRtcSignaling.builder(bot)
                .corsOrigins(java.util.Set.of("http://localhost:5173"))
                .build();
        server = signaling
                .mount(TetherServer.builder().host("127.0.0.1").port(0))
                .build()
                .start();
        http = new TestPeer(URI.create("http://127.0.0.1:" + server.port() + "/"));
    }

    @AfterEach
    void stop() {
        http.close();
        server.close();
    }

    @Test
    void statusSaysReadyWithTheWebRtcTransport() throws Exception {
        HttpResponse<String> status = http.send("GET", "/status", "");

        assertThat(status.statusCode()).isEqualTo(200);
        assertThat(status.body()).isEqualTo("{\"status\":\"ready\",\"transports\":[\"webrtc\"]}");
    }

    @Test
    void startGivesASessionAndTheIceServersConfiguredFirstThenTheDefaultOnlyWhenAsked() throws Exception {
        JsonNode none = TestPeer.JSON.readTree(
                http.post("/start", "{\"transport\":\"webrtc\"}").body());
        JsonNode google = TestPeer.JSON.readTree(
                http.post("/start", "{\"transport\":\"webrtc\",\"enableDefaultIceServers\":true}")
                        .body());
        signaling.iceServers(List.of(new IceServer(List.of("turn:turn.example:3478"), "u", "p")));
        JsonNode configured = TestPeer.JSON.readTree(
                http.post("/start", "{\"enableDefaultIceServers\":true}").body());

        assertThat(none.path("sessionId").asText()).matches("[0-9a-f-]{36}");
        assertThat(none.path("iceConfig").path("iceServers").toString()).isEqualTo("[]");
        assertThat(google.path("iceConfig").path("iceServers").toString())
                .isEqualTo("[{\"urls\":[\"stun:stun.l.google.com:19302\"]}]");
        assertThat(configured.path("iceConfig").path("iceServers").toString())
                .isEqualTo("[{\"urls\":[\"turn:turn.example:3478\"],\"username\":\"u\",\"credential\":\"p\"}]");
    }

    @Test
    void aConfiguredOriginGetsCorsHeadersAndItsPreflightAnsweredAnotherOriginGetsNone() throws Exception {
        java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
        URI offer = URI.create("http://127.0.0.1:" + server.port() + "/api/offer");
        HttpResponse<String> preflight = client.send(
                java.net.http.HttpRequest.newBuilder(offer)
                        .method("OPTIONS", java.net.http.HttpRequest.BodyPublishers.noBody())
                        .header("Origin", "http://localhost:5173")
                        .header("Access-Control-Request-Method", "POST")
                        .header("Access-Control-Request-Headers", "content-type")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> allowed = client.send(
                java.net.http.HttpRequest.newBuilder(offer)
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{}"))
                        .header("Origin", "http://localhost:5173")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> other = client.send(
                java.net.http.HttpRequest.newBuilder(offer)
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{}"))
                        .header("Origin", "http://evil.example")
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(preflight.statusCode()).isEqualTo(204);
        assertThat(preflight.headers().firstValue("access-control-allow-origin"))
                .hasValue("http://localhost:5173");
        assertThat(preflight.headers().firstValue("access-control-allow-methods"))
                .hasValue("GET, POST, PATCH, OPTIONS");
        assertThat(preflight.headers().firstValue("access-control-allow-headers"))
                .hasValue("content-type");
        assertThat(allowed.statusCode()).isEqualTo(422);
        assertThat(allowed.headers().firstValue("access-control-allow-origin")).hasValue("http://localhost:5173");
        assertThat(other.statusCode()).isEqualTo(422);
        assertThat(other.headers().firstValue("access-control-allow-origin")).isEmpty();
    }

    @Test
    void aTransportThatIsNotEnabledIs400() throws Exception {
        HttpResponse<String> response = http.post("/start", "{\"transport\":\"daily\"}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("daily");
    }

    @Test
    void sessionRoutesTakeTheOfferWithTheStartBodyAsRequestDataAndRefuseUnknownIds() throws Exception {
        String id = TestPeer.JSON
                .readTree(http.post("/start", "{\"body\":{\"user\":\"ada\"}}").body())
                .path("sessionId")
                .asText();

        HttpResponse<String> unknown = http.post("/sessions/00000000-0000-0000-0000-000000000000/api/offer", "{}");
        HttpResponse<String> other = http.send("GET", "/sessions/" + id + "/something", "");
        HttpResponse<String> garbage = http.post("/sessions/" + id + "/api/offer", "not json");
        try (TestPeer peer = new TestPeer(URI.create("http://127.0.0.1:" + server.port() + "/sessions/" + id + "/"))) {
            HttpResponse<String> answer = peer.offer(TestPeer.JSON.createObjectNode());
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            peer.accept(answer);
            assertThat(bot.awaitConnect()
                            .attributes()
                            .get(WebRtcSignaling.REQUEST_DATA)
                            .toString())
                    .isEqualTo("{\"user\":\"ada\"}");
        }

        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).isEqualTo("{\"detail\":\"Invalid or not-yet-ready session_id\"}");
        assertThat(other.statusCode()).isEqualTo(200);
        assertThat(other.body()).isEmpty();
        assertThat(garbage.statusCode()).isEqualTo(400);
        assertThat(garbage.body()).isEqualTo("{\"detail\":\"Invalid WebRTC request\"}");
    }
}
