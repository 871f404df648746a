package dev.tether.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.server.ClientType;
import dev.tether.server.Session;
import dev.tether.server.TetherHandler;
import dev.tether.server.TetherServer;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Custom headers and subprotocols reach a real Tether server, which decides by them. */
class HandshakeOptionsTest {
    private final BlockingQueue<Session> sessions = new LinkedBlockingQueue<>();
    private final TetherServer server = TetherServer.builder()
            .host("127.0.0.1")
            .port(0)
            .allowedOrigins(List.of("https://app.example"))
            .handler(new TetherHandler() {
                @Override
                public void onConnect(Session session) {
                    sessions.add(session);
                }
            })
            .build()
            .start();
    private final RecordingListener events = new RecordingListener();
    private ClientConnection connection;

    @AfterEach
    void stop() throws Exception {
        if (connection != null) {
            connection.close().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        server.close();
    }

    /** Records the subprotocol the server chose, as the client's session sees it. */
    static final class SubprotocolProtocol implements SessionProtocol {
        final CompletableFuture<String> chosen = new CompletableFuture<>();

        @Override
        public CompletionStage<Void> handshake(ClientSession session) {
            chosen.complete(session.subprotocol());
            return CompletableFuture.completedFuture(null);
        }
    }

    private ConnectionConfig.Builder config() {
        return ConnectionConfig.builder()
                .uri("ws://127.0.0.1:" + server.port() + "/")
                .random(new SplittableRandom(42))
                .heartbeatInterval(Duration.ZERO)
                .listener(events);
    }

    private Session nextSession() throws InterruptedException {
        Session session = sessions.poll(10, TimeUnit.SECONDS);
        assertThat(session).as("a session connected").isNotNull();
        return session;
    }

    @Test
    void offeredSubprotocolMakesAFrameworkClient() throws Exception {
        SubprotocolProtocol protocol = new SubprotocolProtocol();
        connection = ClientConnection.create(
                config().subprotocols("webshocket.v1").protocol(protocol).build());

        connection.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);

        assertThat(protocol.chosen.get(10, TimeUnit.SECONDS)).isEqualTo("webshocket.v1");
        assertThat(nextSession().clientType()).isEqualTo(ClientType.FRAMEWORK);
    }

    @Test
    void noSubprotocolMakesAGenericClient() throws Exception {
        SubprotocolProtocol protocol = new SubprotocolProtocol();
        connection = ClientConnection.create(config().protocol(protocol).build());

        connection.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);

        assertThat(protocol.chosen.get(10, TimeUnit.SECONDS)).isNullOrEmpty();
        assertThat(nextSession().clientType()).isEqualTo(ClientType.GENERIC);
    }

    @Test
    void noOriginIsSentUnlessTheApplicationSetsOne() throws Exception {
        connection = ClientConnection.create(config().build()); // the server has an Origin allow-list

        connection.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);

        assertThat(nextSession().isOpen()).isTrue();
    }

    @Test
    void customHeaderReachesTheServer() throws Exception {
        connection = ClientConnection.create(
                config().header("Origin", "https://app.example").build());

        connection.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);

        assertThat(nextSession().isOpen()).isTrue();
    }

    @Test
    void refusedOriginIsAFatalRejection() throws Exception {
        connection = ClientConnection.create(
                config().header("Origin", "https://evil.example").build());

        Throwable failure = connection
                .connect()
                .toCompletableFuture()
                .handle((ok, error) -> error)
                .get(10, TimeUnit.SECONDS);

        assertThat(failure instanceof java.util.concurrent.CompletionException ? failure.getCause() : failure)
                .isInstanceOf(AuthenticationException.class)
                .hasMessageContaining("403");
        assertThat(sessions).isEmpty();
    }
}
