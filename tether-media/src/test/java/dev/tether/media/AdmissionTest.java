package dev.tether.media;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.ManualClock;
import dev.tether.testing.CloseFrame;
import dev.tether.testing.HandshakeResponse;
import dev.tether.testing.TestWebSocketClient;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Who gets in: the client modes, allowed origins and token auth. */
class AdmissionTest {
    private final RecordingHandler handler = new RecordingHandler();
    private final MediaServers servers = new MediaServers();
    private final ManualClock clock = new ManualClock();
    private final MediaTokens tokens = MediaTokens.create(clock);

    @AfterEach
    void close() {
        servers.close();
    }

    private URI start(MediaEndpoint.Builder endpoint) {
        return servers.start(endpoint.build());
    }

    private MediaEndpoint.Builder endpoint() {
        return MediaEndpoint.builder("/ws-client", handler).allowedOrigins(Set.of());
    }

    @Test
    void singleRejectClosesTheSecondClientWith1013() throws Exception {
        URI uri = start(endpoint().clientMode(ClientMode.SINGLE_REJECT)).resolve("/ws-client");
        try (TestWebSocketClient first = TestWebSocketClient.connect(uri)) {
            handler.awaitConnect(); // first admitted before the second arrives: the two may land on different loops
            try (TestWebSocketClient second = TestWebSocketClient.connect(uri)) {
                CloseFrame close = second.awaitClose();

                assertThat(close.code()).isEqualTo(1013);
                assertThat(close.reason()).isEqualTo("Server already has a connected client");
                assertThat(handler.connects.poll(200, TimeUnit.MILLISECONDS)).isNull();
                assertThat(first.isConnected()).isTrue();
            }
        }
        handler.awaitDisconnect();
        try (TestWebSocketClient third = TestWebSocketClient.connect(uri)) {
            handler.awaitConnect(); // the place is free again
        }
    }

    @Test
    void singleReplaceClosesTheOldClientAndKeepsTheNewOne() {
        URI uri = start(endpoint().clientMode(ClientMode.SINGLE_REPLACE)).resolve("/ws-client");
        try (TestWebSocketClient first = TestWebSocketClient.connect(uri)) {
            MediaSession old = handler.awaitConnect();
            try (TestWebSocketClient second = TestWebSocketClient.connect(uri)) {
                MediaSession current = handler.awaitConnect();

                assertThat(first.awaitClose().code()).isEqualTo(1000);
                assertThat(handler.awaitDisconnect().code()).isEqualTo(1000);
                assertThat(old.isOpen()).isFalse();
                assertThat(current.isOpen()).isTrue();
                assertThat(second.isConnected()).isTrue();
            }
        }
    }

    @Test
    void perConnectionServesManyClientsAtOnce() {
        URI uri = start(endpoint()).resolve("/ws-client");
        try (TestWebSocketClient a = TestWebSocketClient.connect(uri);
                TestWebSocketClient b = TestWebSocketClient.connect(uri)) {
            MediaSession first = handler.awaitConnect();
            MediaSession second = handler.awaitConnect();

            assertThat(first.id()).isNotEqualTo(second.id());
            assertThat(first.isOpen() && second.isOpen()).isTrue();
        }
    }

    @Test
    void disallowedOrMissingOriginIsRefusedWith403WhenAListIsSet() {
        URI uri =
                start(endpoint().allowedOrigins(Set.of("https://app.example"))).resolve("/ws-client");

        HandshakeResponse other = TestWebSocketClient.builder(uri)
                .header("Origin", "https://evil.example")
                .expectRejection();
        HandshakeResponse none = TestWebSocketClient.builder(uri).expectRejection();

        assertThat(other.status()).isEqualTo(403);
        assertThat(none.status()).isEqualTo(403);
        try (TestWebSocketClient client = TestWebSocketClient.builder(uri)
                .header("Origin", "HTTPS://APP.EXAMPLE")
                .connect()) {
            handler.awaitConnect();
        }
    }

    @Test
    void originsFromTheEnvironmentAreCommaSeparatedAndTrimmed() {
        assertThat(MediaSettings.originsFromEnvironment(" https://a.example , https://b.example,,"))
                .containsExactlyInAnyOrder("https://a.example", "https://b.example");
        assertThat(MediaSettings.originsFromEnvironment(null)).isEmpty();
    }

    @Test
    void tokenInThePathTheQueryOrABearerHeaderIsAccepted() {
        URI base = start(endpoint().tokens(tokens));
        try (TestWebSocketClient path = TestWebSocketClient.connect(base.resolve("/ws-client/" + tokens.mint()));
                TestWebSocketClient query =
                        TestWebSocketClient.connect(base.resolve("/ws-client?token=" + tokens.mint()));
                TestWebSocketClient header = TestWebSocketClient.builder(base.resolve("/ws-client"))
                        .header("Authorization", "bearer " + tokens.mint())
                        .connect()) {
            for (int i = 0; i < 3; i++) {
                handler.awaitConnect();
            }
        }
    }

    @Test
    void missingInvalidReplayedOrExpiredTokenClosesWith4003() {
        URI base = start(endpoint().tokens(tokens));
        String used = tokens.mint();
        try (TestWebSocketClient first = TestWebSocketClient.connect(base.resolve("/ws-client/" + used))) {
            handler.awaitConnect();
        }
        String tampered = tokens.mint();
        tampered = tampered.substring(0, tampered.length() - 1) + (tampered.endsWith("0") ? "1" : "0");
        String expiring = tokens.mint();
        clock.advance(MediaTokens.LIFETIME);

        assertRefused(base.resolve("/ws-client"), "Missing token");
        assertRefused(base.resolve("/ws-client/" + tampered), "Invalid, expired or used token");
        assertRefused(base.resolve("/ws-client/" + used), "Invalid, expired or used token");
        assertRefused(base.resolve("/ws-client/" + expiring), "Invalid, expired or used token");
        assertRefused(base.resolve("/ws-client/not-a-token"), "Invalid, expired or used token");
        assertThat(handler.connects).isEmpty();
    }

    @Test
    void disallowedOriginOnATokenRouteClosesWith4003() {
        URI base = start(endpoint().tokens(tokens).allowedOrigins(Set.of("https://app.example")));
        try (TestWebSocketClient client = TestWebSocketClient.builder(base.resolve("/ws-client/" + tokens.mint()))
                .header("Origin", "https://evil.example")
                .connect()) {
            CloseFrame close = client.awaitClose();
            assertThat(close.code()).isEqualTo(4003);
        }
        assertRefused(base.resolve("/ws-client/" + tokens.mint()), "Origin required");
    }

    private static void assertRefused(URI uri, String reason) {
        try (TestWebSocketClient client = TestWebSocketClient.connect(uri)) {
            CloseFrame close = client.awaitClose();
            assertThat(List.of(close.code(), close.reason())).containsExactly(4003, reason);
        }
    }

    @Test
    void tokenIsGoodOnceAndUntilItExpires() {
        String token = tokens.mint();
        String other = tokens.mint();

        assertThat(tokens.redeem(token)).isTrue();
        assertThat(tokens.redeem(token)).isFalse();
        clock.advance(MediaTokens.LIFETIME.minus(Duration.ofSeconds(1)));
        assertThat(tokens.redeem(other)).isTrue();
        assertThat(MediaTokens.create(clock).redeem(tokens.mint())).isFalse(); // another secret
        assertThat(tokens.redeem("")).isFalse();
        assertThat(tokens.redeem("a.b.c")).isFalse();
    }

    @Test
    void tokenHasTheDevRunnersShape() throws Exception {
        String token = tokens.mint();
        String[] parts = token.split("\\.");

        assertThat(parts).hasSize(2);
        assertThat(parts[1]).matches("[0-9a-f]{64}");
        var claims =
                TestSerializer.JSON.readTree(java.util.Base64.getUrlDecoder().decode(parts[0]));
        assertThat(claims.get("jti").asText()).matches("[0-9a-f]{8}");
        long now = System.currentTimeMillis() / 1000;
        assertThat(claims.get("exp").asLong()).isBetween(now + 299, now + 301);
    }
}
