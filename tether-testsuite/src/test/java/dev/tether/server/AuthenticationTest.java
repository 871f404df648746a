package dev.tether.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTCreator;
import com.auth0.jwt.algorithms.Algorithm;
import dev.tether.core.RpcErrorCode;
import dev.tether.core.RpcResponse;
import dev.tether.testing.HandshakeResponse;
import dev.tether.testing.TestWebSocketClient;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The handshake authentication hook and {@link JwtAuthenticator}, over real sockets: refusals are HTTP answers to the
 * upgrade with no session made, accepted clients carry their {@link Identity} into RPC permissions and channel
 * authorization.
 */
class AuthenticationTest {
    private static final byte[] SECRET = "a-secret-of-at-least-thirty-two-bytes!".getBytes(StandardCharsets.UTF_8);
    private static final Algorithm HS256 = Algorithm.HMAC256(SECRET);

    /** {@code whoami()} answers the caller's subject; {@code secret()} needs the {@code admin} permission. */
    public static final class Secured implements TetherHandler {
        final BlockingQueue<Session> connected = new LinkedBlockingQueue<>();

        @Override
        public void onConnect(Session session) {
            connected.add(session);
        }

        @Rpc
        public String whoami(Session session) {
            return session.identity().subject();
        }

        @Rpc(requires = "admin")
        public String secret() {
            return "42";
        }

        Session awaitSession() throws InterruptedException {
            Session session = connected.poll(10, TimeUnit.SECONDS);
            assertThat(session).as("a session within 10 s").isNotNull();
            return session;
        }
    }

    private final Secured handler = new Secured();
    private TetherServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private void start(Consumer<TetherServer.Builder> settings) {
        TetherServer.Builder builder = TetherServer.builder()
                .host("127.0.0.1")
                .port(0)
                .handler(handler)
                .predicate("admin", Predicates.permission("admin"));
        settings.accept(builder);
        server = builder.build().start();
    }

    private void startWithJwt() {
        start(b -> b.authenticator(
                        JwtAuthenticator.hs256(SECRET).issuer("tests").build())
                .clientSubscriptions(ChannelPermissions.subscribe())
                .clientPublish(ChannelPermissions.publish()));
    }

    private static JWTCreator.Builder token(String subject, String... permissions) {
        return JWT.create()
                .withIssuer("tests")
                .withSubject(subject)
                .withExpiresAt(Instant.now().plusSeconds(60))
                .withArrayClaim("permissions", permissions);
    }

    private URI uri(String pathAndQuery) {
        return URI.create("ws://127.0.0.1:" + server.port() + pathAndQuery);
    }

    private HandshakeResponse refused(String pathAndQuery) {
        return TestWebSocketClient.builder(uri(pathAndQuery)).expectRejection();
    }

    @Test
    void anUpgradeWithoutATokenIsRefusedWith401AndNoSession() {
        startWithJwt();

        HandshakeResponse response = refused("/");

        assertThat(response.status()).isEqualTo(401);
        assertThat(response.bodyText()).isEqualTo("Missing token");
        assertThat(response.header("www-authenticate")).isEqualTo("Bearer");
        assertThat(handler.connected).isEmpty();
        assertThat(server.connectionCount()).isZero();
    }

    @Test
    void aTokenInTheQueryOpensASessionWithItsIdentity() throws Exception {
        startWithJwt();
        String jwt = token("ada", "admin", "subscribe:chat.*")
                .withClaim("tenant", "acme")
                .sign(HS256);

        try (WsClient client = WsClient.json(server, "/?token=" + jwt, Map.of())) {
            Identity identity = handler.awaitSession().identity();

            assertThat(identity.subject()).isEqualTo("ada");
            assertThat(identity.permissions()).containsExactlyInAnyOrder("admin", "subscribe:chat.*");
            assertThat(identity.claims()).containsEntry("tenant", "acme").containsEntry("iss", "tests");
            assertThat(client.callAndWait("whoami").response()).isEqualTo("ada");
            assertThat(client.callAndWait("secret").response()).isEqualTo("42");
        }
    }

    @Test
    void aBearerHeaderCarriesTheTokenForNonBrowserClients() throws Exception {
        startWithJwt();
        String jwt = token("bob").sign(HS256);

        try (WsClient client = WsClient.json(server, "/", Map.of("Authorization", "Bearer " + jwt))) {
            assertThat(client.callAndWait("whoami").response()).isEqualTo("bob");
            RpcResponse denied = client.callAndWait("secret");
            assertThat(denied.errorCode()).isEqualTo(RpcErrorCode.ACCESS_DENIED);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "expired, Token expired",
        "wrongSecret, Invalid token signature",
        "rs256, Token algorithm not accepted",
        "unsigned, Token algorithm not accepted",
        "noExpiry, Token has no 'exp' claim",
        "noSubject, Token has no 'sub' claim",
        "otherIssuer, Token claim 'iss' rejected",
        "notYetValid, Token not valid yet",
        "garbage, Malformed token"
    })
    void aBadTokenIsRefusedWith401SayingWhy(String kind, String message) throws Exception {
        startWithJwt();
        String jwt = switch (kind) {
            case "expired" ->
                token("ada").withExpiresAt(Instant.now().minusSeconds(60)).sign(HS256);
            case "wrongSecret" -> token("ada").sign(Algorithm.HMAC256("another-secret-of-thirty-two-bytes-or-more"));
            case "rs256" -> token("ada").sign(Algorithm.RSA256(null, rsaKeys().second()));
            case "unsigned" -> token("ada").sign(Algorithm.none());
            case "noExpiry" ->
                JWT.create().withIssuer("tests").withSubject("ada").sign(HS256);
            case "noSubject" ->
                JWT.create()
                        .withIssuer("tests")
                        .withExpiresAt(Instant.now().plusSeconds(60))
                        .sign(HS256);
            case "otherIssuer" -> token("ada").withIssuer("elsewhere").sign(HS256);
            case "notYetValid" ->
                token("ada").withNotBefore(Instant.now().plusSeconds(600)).sign(HS256);
            default -> "not.a.token";
        };

        HandshakeResponse response = refused("/?token=" + jwt);

        assertThat(response.status()).as(response.toString()).isEqualTo(401);
        assertThat(response.bodyText()).isEqualTo(message);
        assertThat(response.header("www-authenticate")).startsWith("Bearer error=\"invalid_token\"");
        assertThat(handler.connected).isEmpty();
    }

    @Test
    void rs256TokensAreVerifiedWithThePublicKey() throws Exception {
        Pair keys = rsaKeys();
        start(b -> b.authenticator(JwtAuthenticator.rs256(keys.first()).build()));
        String jwt = JWT.create()
                .withSubject("device-7")
                .withExpiresAt(Instant.now().plusSeconds(60))
                .withClaim("permissions", "telemetry admin") // OAuth's space-separated form
                .sign(Algorithm.RSA256(null, keys.second()));

        try (WsClient client = WsClient.json(server, "/?token=" + jwt, Map.of())) {
            assertThat(handler.awaitSession().identity().permissions()).containsExactlyInAnyOrder("telemetry", "admin");
            assertThat(client.callAndWait("secret").response()).isEqualTo("42");
        }
    }

    @Test
    void channelPermissionsDecideWhoSubscribesAndPublishes() throws Exception {
        startWithJwt();
        String reader = token("reader", "subscribe:chat.*").sign(HS256);
        String writer = token("writer", "publish:chat.lobby").sign(HS256);

        try (WsClient sub = WsClient.json(server, "/?token=" + reader, Map.of());
                WsClient pub = WsClient.json(server, "/?token=" + writer, Map.of())) {
            assertThat(sub.callAndWait("subscribe", "chat.*").response()).isEqualTo(true);
            assertThat(sub.callAndWait("subscribe", "admin.log").response())
                    .isEqualTo("Access denied for channel 'admin.log'.");
            assertThat(pub.callAndWait("subscribe", "chat.lobby").response())
                    .isEqualTo("Access denied for channel 'chat.lobby'.");

            assertThat(pub.callAndWait("publish", "chat.lobby", Map.of("text", "hi"))
                            .response())
                    .isEqualTo(1);
            assertThat(sub.next().data()).isEqualTo(Map.of("text", "hi"));
            RpcResponse denied = pub.callAndWait("publish", "chat.other", "no");
            assertThat(denied.errorCode()).isEqualTo(RpcErrorCode.APPLICATION_ERROR);
            assertThat(denied.response()).isEqualTo("Access denied for channel 'chat.other'.");
            RpcResponse pattern = pub.callAndWait("publish", "chat.*", "no");
            assertThat(pattern.errorCode()).isEqualTo(RpcErrorCode.INVALID_PARAMS);
            assertThat(sub.quietFor(Duration.ofMillis(200)))
                    .as("nothing refused was delivered")
                    .isTrue();
        }
    }

    @Test
    void anAuthenticatorMayTakeItsTimeAndSeesHeadersCookiesAndAddress() throws Exception {
        CompletableFuture<AuthResult> decision = new CompletableFuture<>();
        BlockingQueue<HttpRequest> seen = new LinkedBlockingQueue<>();
        start(b -> b.authenticator(request -> {
            seen.add(request);
            return decision;
        }));

        CompletableFuture<WsClient> connecting = CompletableFuture.supplyAsync(
                () -> WsClient.json(server, "/?x=1", Map.of("Cookie", "session=s3cr3t; theme=dark")));
        HttpRequest request = seen.poll(10, TimeUnit.SECONDS);
        assertThat(request).isNotNull();
        assertThat(request.cookies()).containsEntry("session", "s3cr3t").containsEntry("theme", "dark");
        assertThat(request.queryParameter("x")).isEqualTo("1");
        assertThat(request.remoteAddress().getAddress().isLoopbackAddress()).isTrue();
        assertThat(connecting).as("no session before the decision").isNotDone();
        assertThat(handler.connected).isEmpty();

        decision.complete(AuthResult.accept(Identity.of("cookie-user")));

        try (WsClient client = connecting.get(10, TimeUnit.SECONDS)) {
            assertThat(client.callAndWait("whoami").response()).isEqualTo("cookie-user");
        }
    }

    @Test
    void aRefusalMayCarryAnyStatusAndHeaders() {
        start(b -> b.authenticator(request -> CompletableFuture.completedFuture(
                AuthResult.refuse(403, "Banned until tomorrow", Map.of("retry-after", "86400")))));

        HandshakeResponse response = refused("/");

        assertThat(response.status()).isEqualTo(403);
        assertThat(response.bodyText()).isEqualTo("Banned until tomorrow");
        assertThat(response.header("retry-after")).isEqualTo("86400");
    }

    @Test
    void anAuthenticatorThatFailsAnswers500() {
        start(b -> b.authenticator(request -> {
            throw new IllegalStateException("identity provider down");
        }));

        HandshakeResponse response = refused("/");

        assertThat(response.status()).isEqualTo(500);
        assertThat(response.bodyText()).isEqualTo("Internal server error");
    }

    @Test
    void anAuthenticatorThatNeverAnswersTimesOutWith503AndGivesTheSlotBack() throws Exception {
        start(b -> b.handshakeTimeout(Duration.ofMillis(300))
                .maxConnections(1)
                .authenticator(request -> request.queryParameter("pass") != null
                        ? CompletableFuture.completedFuture(AuthResult.accept(Identity.of("late")))
                        : new CompletableFuture<>()));

        HandshakeResponse response = refused("/");

        assertThat(response.status()).isEqualTo(503);
        assertThat(response.bodyText()).isEqualTo("Authentication timed out");
        try (WsClient client = WsClient.json(server, "/?pass=1", Map.of())) {
            assertThat(client.callAndWait("whoami").response())
                    .as("the one slot is free again")
                    .isEqualTo("late");
        }
    }

    @Test
    void aClientThatLeavesWhileAuthenticatingGivesItsSlotBack() throws Exception {
        CountDownLatch asked = new CountDownLatch(1);
        CompletableFuture<AuthResult> decision = new CompletableFuture<>();
        start(b -> b.maxConnections(1).authenticator(request -> {
            if (request.queryParameter("second") != null) {
                return CompletableFuture.completedFuture(AuthResult.accept(Identity.of("second")));
            }
            asked.countDown();
            return decision;
        }));
        try (Socket first = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            first.getOutputStream()
                    .write(("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                                    + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            assertThat(asked.await(10, TimeUnit.SECONDS)).isTrue();
        }

        decision.complete(AuthResult.accept(Identity.of("first")));

        try (WsClient client = awaitConnected("/?second=1")) {
            assertThat(client.callAndWait("whoami").response()).isEqualTo("second");
        }
        // The server reads nothing while it authenticates, so it may learn that the first client left only after
        // opening its session: that session then ends at once, which is what gave its slot to the second.
        for (Session session : handler.connected) {
            if (session.identity().subject().equals("first")) {
                assertThat(session.closeFuture().toCompletableFuture()).succeedsWithin(Duration.ofSeconds(10));
            }
        }
    }

    @Test
    void aRawEndpointUsesTheServersAuthenticatorUnlessItOptsOut() {
        WebSocketListener echo = new WebSocketListener() {
            @Override
            public void onText(WebSocketSession session, String text) {
                session.sendText(session.identity().subject() + ":" + text);
            }
        };
        start(b -> b.authenticator(JwtAuthenticator.hs256(SECRET).build())
                .webSocket(WebSocketEndpoint.builder("/guarded", echo).build())
                .webSocket(WebSocketEndpoint.builder("/open", echo)
                        .authenticator(Authenticator.anonymous())
                        .build()));

        assertThat(refused("/guarded").status()).isEqualTo(401);
        try (TestWebSocketClient guarded = TestWebSocketClient.connect(uri("/guarded?token="
                        + JWT.create()
                                .withSubject("ada")
                                .withExpiresAt(Instant.now().plusSeconds(60))
                                .sign(HS256)));
                TestWebSocketClient open = TestWebSocketClient.connect(uri("/open"))) {
            guarded.sendText("hi");
            open.sendText("hi");
            assertThat(guarded.awaitText()).isEqualTo("ada:hi");
            assertThat(open.awaitText()).isEqualTo(":hi");
        }
    }

    /** Connects, retrying while the server still counts a slot that is being given back. */
    private WsClient awaitConnected(String pathAndQuery) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try {
                return WsClient.json(server, pathAndQuery, Map.of());
            } catch (RuntimeException refused) {
                if (System.nanoTime() > deadline) {
                    throw refused;
                }
                Thread.onSpinWait();
            }
        }
    }

    private record Pair(RSAPublicKey first, RSAPrivateKey second) {}

    private static Pair rsaKeys() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair pair = generator.generateKeyPair();
        return new Pair((RSAPublicKey) pair.getPublic(), (RSAPrivateKey) pair.getPrivate());
    }
}
