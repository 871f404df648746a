package dev.tether.webrtc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tether.media.MediaHandler;
import dev.tether.server.HttpEndpoint;
import dev.tether.server.HttpRequest;
import dev.tether.server.HttpResponse;
import dev.tether.webrtc.WebRtcSignaling;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Coverage-guided fuzzing of the signaling bodies (docs/fuzzing.md). A normal build replays the corpus under
 * {@code SignalingBodiesFuzzTestInputs/}; {@code scripts/fuzz.sh} fuzzes each method for as long as it is given.
 *
 * <p>For any body: reading it gives a value or {@link SignalingBodies.Invalid}, never another exception, and the
 * Invalid's 422 body lists field errors in FastAPI's form; {@code PATCH /api/offer} answers 422 with that body or 404
 * (no peer connection is open here), never a 500.
 */
class SignalingBodiesFuzzTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static WebRtcSignaling signaling;
    private static HttpEndpoint offerRoute;

    @BeforeAll
    static void start() {
        signaling = WebRtcSignaling.builder(new MediaHandler() {}).build();
        offerRoute = signaling.offerEndpoint();
    }

    @AfterAll
    static void stop() {
        signaling.close();
    }

    @FuzzTest
    void anyOfferBodyIsAnOfferOrFieldErrors(byte[] body) throws IOException {
        try {
            SignalingBodies.Offer offer = SignalingBodies.offer(body);
            assertThat(offer.sdp()).isNotNull();
        } catch (SignalingBodies.Invalid e) {
            assertFieldErrors(e.detailJson());
        }
    }

    @FuzzTest
    void anyStartBodyIsAStartOrFieldErrors(byte[] body) throws IOException {
        try {
            SignalingBodies.start(body);
        } catch (SignalingBodies.Invalid e) {
            assertFieldErrors(e.detailJson());
        }
    }

    @FuzzTest
    void anyCandidatePatchIsAnsweredWithFieldErrorsOrNotFound(byte[] body) throws Exception {
        HttpResponse response = offerRoute
                .handle(new HttpRequest(
                        "PATCH",
                        "/api/offer",
                        Map.of(),
                        Map.of("content-type", "application/json"),
                        body,
                        InetSocketAddress.createUnresolved("127.0.0.1", 1)))
                .toCompletableFuture()
                .get(5, TimeUnit.SECONDS);

        assertThat(response.status()).isIn(404, 422);
        if (response.status() == 422) {
            assertFieldErrors(new String(response.body(), java.nio.charset.StandardCharsets.UTF_8));
        } else {
            assertThat(MAPPER.readTree(response.body()).path("detail").asText()).isEqualTo("Peer connection not found");
        }
    }

    /** FastAPI's 422 body: {@code {"detail": [{"type": T, "loc": ["body", ...], "msg": M}, ...]}}, never empty. */
    private static void assertFieldErrors(String detailJson) throws IOException {
        JsonNode detail = MAPPER.readTree(detailJson).path("detail");
        assertThat(detail.isArray()).as(detailJson).isTrue();
        assertThat(detail).as(detailJson).isNotEmpty();
        for (JsonNode error : detail) {
            assertThat(error.path("type").isTextual()).as(detailJson).isTrue();
            assertThat(error.path("msg").isTextual()).as(detailJson).isTrue();
            assertThat(error.path("loc").path(0).asText()).as(detailJson).isEqualTo("body");
        }
    }
}
