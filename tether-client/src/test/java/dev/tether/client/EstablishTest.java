package dev.tether.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.Backoff;
import dev.tether.core.TetherException;
import dev.tether.testing.RefusedPort;
import dev.tether.testing.fault.Fault;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Layer 1: bounded attempts, backoff, timeouts, and which failures are retried. */
class EstablishTest extends ConnectionTestBase {

    @Test
    void connectsAndExchangesMessages() throws Exception {
        RecordingProtocol protocol = new RecordingProtocol();
        ClientConnection connection = connection(config().protocol(protocol));

        await(connection.connect());
        await(connection.send("hello"));
        await(connection.send(new byte[] {1, 2, 3}));

        assertThat(protocol.takeText()).isEqualTo("hello");
        assertThat(protocol.takeBinary(RecordingListener.TIMEOUT)).containsExactly(1, 2, 3);
        assertThat(connection.state()).isEqualTo(ConnectionState.CONNECTED);
        assertThat(connection.everConnected()).isTrue();
        assertThat(events.transitions()).containsExactly("DISCONNECTED->CONNECTING", "CONNECTING->CONNECTED");
    }

    @Test
    void refusedOnEveryAttemptIsServerNotFound() throws Exception {
        try (RefusedPort absent = new RefusedPort()) {
            int freePort = absent.port();
            ClientConnection connection = connection(config().uri("ws://127.0.0.1:" + freePort + "/chat"));

            var connected = connection.connect();
            for (int attempt = 1; attempt <= 4; attempt++) {
                assertThat(events.awaitAttemptFailed(attempt))
                        .hasMessageStartingWith("connection attempt " + attempt + " failed: ")
                        .hasMessageContaining("refused");
                advanceToNextTask();
            }
            events.awaitAttemptFailed(5);

            TetherException error = events.awaitEnded();
            assertThat(error)
                    .isInstanceOf(ServerNotFoundException.class)
                    .hasMessage("could not find the server at ws://127.0.0.1:" + freePort + "/chat");
            assertThat(awaitFailure(connected)).isSameAs(error);
            assertThat(connection.state()).isEqualTo(ConnectionState.DISCONNECTED);
        }
    }

    @Test
    void attemptsWaitByTheConnectBackoff() throws Exception {
        server.defaultFault(Fault.refuseUpgrade(503));
        ClientConnection connection = connection(config());

        connection.connect();
        for (int attempt = 1; attempt <= 4; attempt++) {
            events.awaitAttemptFailed(attempt);
            Duration wait = advanceToNextTask();
            // min(2^(n-1) + U(0,1), 32) s
            Duration base = Duration.ofSeconds(1L << (attempt - 1));
            assertThat(wait).isBetween(base, base.plusSeconds(1));
        }

        assertThat(events.awaitAttemptFailed(5))
                .hasMessage("connection attempt 5 failed: the server refused the WebSocket upgrade: "
                        + "HTTP 503 Service Unavailable");
        assertThat(events.awaitEnded())
                .isExactlyInstanceOf(ConnectionException.class)
                .hasMessage("failed to connect after 5 attempts: the server refused the WebSocket upgrade: "
                        + "HTTP 503 Service Unavailable");
        assertThat(server.accepted()).isEqualTo(5);
    }

    @Test
    void refusedUpgradeIsRetriedUntilItSucceeds() throws Exception {
        server.script(Fault.refuseUpgrade(503));
        ClientConnection connection = connection(config());

        var connected = connection.connect();
        events.awaitAttemptFailed(1);
        advanceToNextTask();

        await(connected);
        assertThat(server.accepted()).isEqualTo(2);
    }

    @Test
    void unauthorizedUpgradeIsFatalAndNotRetried() throws Exception {
        server.defaultFault(Fault.refuseUpgrade(401));
        ClientConnection connection = connection(config());

        var connected = connection.connect();

        assertThat(events.awaitEnded())
                .isInstanceOf(AuthenticationException.class)
                .hasMessage("the server refused the WebSocket upgrade: HTTP 401 Unauthorized");
        assertThat(awaitFailure(connected)).isInstanceOf(AuthenticationException.class);
        assertThat(events.count(RecordingListener.Kind.ATTEMPT_FAILED)).isZero();
        assertThat(server.accepted()).isEqualTo(1);
    }

    @Test
    void handshakeTimeoutIncludesTheApplicationHandshake() throws Exception {
        RecordingProtocol protocol = new RecordingProtocol();
        CompletableFuture<Void> handshakeStarted = new CompletableFuture<>();
        protocol.handshake = session -> {
            handshakeStarted.complete(null);
            return new CompletableFuture<>(); // never answers
        };
        ClientConnection connection = connection(config().protocol(protocol)
                .connectBackoff(Backoff.builder().maxAttempts(1).build()));

        connection.connect();
        await(handshakeStarted);
        clock.advance(Duration.ofSeconds(10));

        assertThat(events.awaitAttemptFailed(1))
                .hasMessage("connection attempt 1 failed: handshake did not complete within 10 s");
        assertThat(events.awaitEnded())
                .hasMessage("failed to connect after 1 attempt: handshake did not complete within 10 s");
    }

    @Test
    void aPolicyThatWaitsAfterTheLastFailureEndsOnlyAfterThatWait() throws Exception {
        server.defaultFault(Fault.refuseUpgrade(503));
        Backoff fourFourFour = Backoff.builder()
                .minDelay(Duration.ofSeconds(4))
                .maxDelay(Duration.ofSeconds(10))
                .maxAttempts(3)
                .delayAfterLastFailure(true)
                .build();
        ClientConnection connection = connection(config().connectBackoff(fourFourFour));

        connection.connect();
        for (int attempt = 1; attempt <= 2; attempt++) {
            events.awaitAttemptFailed(attempt);
            assertThat(advanceToNextTask()).isEqualTo(Duration.ofSeconds(4));
        }
        events.awaitAttemptFailed(3);
        assertThat(connection.state()).isEqualTo(ConnectionState.CONNECTING);
        assertThat(clock.nextDue()).isEqualTo(Duration.ofSeconds(4));

        clock.advance(Duration.ofSeconds(4));

        assertThat(events.awaitEnded()).hasMessageStartingWith("failed to connect after 3 attempts: ");
        assertThat(server.accepted()).isEqualTo(3);
    }

    @Test
    void authenticationRejectedByTheProtocolIsFatal() throws Exception {
        RecordingProtocol protocol = new RecordingProtocol();
        protocol.handshake = session -> CompletableFuture.failedFuture(new AuthenticationException("invalid token"));
        ClientConnection connection = connection(config().protocol(protocol));

        connection.connect();

        assertThat(events.awaitEnded())
                .isInstanceOf(AuthenticationException.class)
                .hasMessage("invalid token");
        assertThat(protocol.handshakes).hasValue(1);
        assertThat(connection.state()).isEqualTo(ConnectionState.DISCONNECTED);
    }
}
