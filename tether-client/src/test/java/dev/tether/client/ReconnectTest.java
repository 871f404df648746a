package dev.tether.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.core.Backoff;
import dev.tether.core.CloseCodes;
import dev.tether.testing.fault.Fault;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/** Layer 2: what happens after a ready session drops. */
class ReconnectTest extends ConnectionTestBase {

    /** Quick-failure tests reconnect at once: no early-drop waits in the way. */
    private ConnectionConfig.Builder withoutEarlyDropWindow() {
        return config().earlyDropWindow(Duration.ZERO);
    }

    @Test
    void normalCloseByTheServerEndsWithoutReconnectOrError() throws Exception {
        ClientConnection connection = connection(config());
        await(connection.connect());

        server.closeAll(CloseCodes.NORMAL, "bye");

        Disconnection disconnection = events.awaitDisconnected();
        assertThat(disconnection.code()).isEqualTo(1000);
        assertThat(disconnection.reason()).isEqualTo("bye");
        assertThat(disconnection.willReconnect()).isFalse();
        assertThat(events.awaitEnded()).isNull();
        assertThat(connection.state()).isEqualTo(ConnectionState.DISCONNECTED);
        clock.advance(Duration.ofMinutes(10));
        assertThat(server.accepted()).isEqualTo(1);
    }

    @Test
    void abnormalDropReconnects() throws Exception {
        RecordingProtocol protocol = new RecordingProtocol();
        ClientConnection connection = connection(config().protocol(protocol));
        await(connection.connect());
        events.awaitConnected();

        server.dropAll();

        Disconnection disconnection = events.awaitDisconnected();
        assertThat(disconnection.code()).isEqualTo(Disconnection.ABNORMAL_CLOSURE);
        assertThat(disconnection.willReconnect()).isTrue();
        assertThat(connection.state()).isEqualTo(ConnectionState.CONNECTING);
        advanceToNextTask(); // the early-drop wait
        ClientSession second = events.awaitConnected();
        assertThat(second.number()).isEqualTo(2);
        assertThat(second.isReconnect()).isTrue();
        assertThat(protocol.resubscribes).hasValue(1);
        assertThat(events.transitions())
                .containsExactly(
                        "DISCONNECTED->CONNECTING",
                        "CONNECTING->CONNECTED",
                        "CONNECTED->CONNECTING",
                        "CONNECTING->CONNECTED");
    }

    @Test
    void graceful1001CloseReconnects() throws Exception {
        ClientConnection connection = connection(withoutEarlyDropWindow());
        await(connection.connect());
        events.awaitConnected();

        server.closeAll(CloseCodes.GOING_AWAY, "restarting");

        Disconnection disconnection = events.awaitDisconnected();
        assertThat(disconnection.code()).isEqualTo(1001);
        assertThat(disconnection.willReconnect()).isTrue();
        advanceToNextTask(); // the going-away jitter: a random wait below 1 s
        events.awaitConnected();
    }

    @Test
    void threeQuickFailuresStopTheReconnectLoop() throws Exception {
        server.defaultFault(Fault.closeAfterUpgrade(CloseCodes.POLICY_VIOLATION, "invalid API key"));
        ClientConnection connection = connection(withoutEarlyDropWindow());

        connection.connect();

        assertThat(events.awaitEnded())
                .isExactlyInstanceOf(ConnectionException.class)
                .hasMessage("connection failed 3 times immediately after connecting");
        assertThat(server.accepted()).isEqualTo(3);
        assertThat(events.count(RecordingListener.Kind.CONNECTED)).isEqualTo(3);
        assertThat(events.count(RecordingListener.Kind.DISCONNECTED)).isEqualTo(3);
        assertThat(connection.state()).isEqualTo(ConnectionState.DISCONNECTED);
    }

    @Test
    void aStableConnectionResetsTheQuickFailureCount() throws Exception {
        Fault quick = Fault.closeAfterUpgrade(CloseCodes.POLICY_VIOLATION, "invalid API key");
        server.script(quick, quick, Fault.echo()).defaultFault(quick);
        ClientConnection connection = connection(withoutEarlyDropWindow());

        connection.connect();
        for (int i = 1; i <= 3; i++) {
            events.awaitConnected();
        }
        clock.advance(Duration.ofSeconds(5)); // the third lives 5 s: stable
        server.dropAll();

        assertThat(events.awaitEnded()).hasMessage("connection failed 3 times immediately after connecting");
        assertThat(server.accepted()).isEqualTo(6);
        assertThat(events.count(RecordingListener.Kind.CONNECTED)).isEqualTo(6);
    }

    @Test
    void earlyDropsRetryFiveTimesWithTheirBackoffThenGiveUp() throws Exception {
        server.defaultFault(Fault.closeAfterUpgrade(CloseCodes.INTERNAL_ERROR, "boom"));
        ClientConnection connection = connection(config().maxQuickFailures(0));

        connection.connect();
        for (int drop = 1; drop <= 5; drop++) {
            assertThat(events.awaitDisconnected().willReconnect()).isTrue();
            Duration wait = advanceToNextTask();
            // min(2 * 2^(n-1), 60) + U(0, 2) s
            Duration base = Duration.ofSeconds(Math.min(2L << (drop - 1), 60));
            assertThat(wait).isBetween(base, base.plusSeconds(2));
        }

        assertThat(events.awaitDisconnected().willReconnect()).isFalse();
        assertThat(events.awaitEnded())
                .hasMessage("connection dropped 6 times within 30 s of becoming ready "
                        + "(early-drop budget: 5 retries within 300 s)");
        assertThat(server.accepted()).isEqualTo(6);
    }

    @Test
    void earlyDropsStopRetryingThreeHundredSecondsAfterTheFirst() throws Exception {
        server.defaultFault(Fault.closeAfterUpgrade(CloseCodes.INTERNAL_ERROR, "boom"));
        Backoff everyHundredSeconds = Backoff.fixed(Duration.ofSeconds(100)).toBuilder()
                .maxAttempts(100)
                .build();
        ClientConnection connection = connection(config().maxQuickFailures(0).earlyDropBackoff(everyHundredSeconds));

        connection.connect();
        for (int drop = 1; drop <= 4; drop++) { // at 0, 100, 200 and 300 s
            assertThat(events.awaitDisconnected().willReconnect()).isTrue();
            clock.advance(Duration.ofSeconds(100));
        }

        assertThat(events.awaitDisconnected().willReconnect()).isFalse(); // at 400 s
        assertThat(events.awaitEnded()).hasMessageStartingWith("connection dropped 5 times within 30 s");
        assertThat(server.accepted()).isEqualTo(5);
    }

    @Test
    void aDropAfterTheEarlyDropWindowReconnectsAtOnce() throws Exception {
        ClientConnection connection = connection(config());
        await(connection.connect());
        events.awaitConnected();
        clock.advance(Duration.ofSeconds(30));

        server.dropAll();

        events.awaitDisconnected();
        events.awaitConnected(); // no wait scheduled: reconnected without moving the clock
    }

    @Test
    void aLateDropCanBeHandedToTheSupervisorInstead() throws Exception {
        ClientConnection connection = connection(config().reconnectAfterLateDrop(false));
        await(connection.connect());
        events.awaitConnected();
        clock.advance(Duration.ofSeconds(31));

        server.dropAll();

        assertThat(events.awaitDisconnected().willReconnect()).isFalse();
        assertThat(events.awaitEnded()).hasMessageStartingWith("connection lost: 1006");
    }

    @Test
    void disconnectOnPurposeNeverReconnects() throws Exception {
        ClientConnection connection = connection(config());
        await(connection.connect());

        await(connection.disconnect());

        assertThat(server.takeCloseCode(RecordingListener.TIMEOUT)).isEqualTo(1000);
        assertThat(events.awaitDisconnected().willReconnect()).isFalse();
        assertThat(events.awaitEnded()).isNull();
        assertThat(connection.state()).isEqualTo(ConnectionState.DISCONNECTED);
        clock.advance(Duration.ofMinutes(10));
        assertThat(server.accepted()).isEqualTo(1);
        assertThat(events.count(RecordingListener.Kind.ERROR)).isZero();
    }

    @Test
    void disconnectWithACodeSendsThatCode() throws Exception {
        ClientConnection connection = connection(config());
        await(connection.connect());

        await(connection.disconnect(1001, "Shutting down WebSocket connection"));

        assertThat(server.takeCloseCode(RecordingListener.TIMEOUT)).isEqualTo(1001);
        assertThat(events.awaitDisconnected().willReconnect()).isFalse();
        assertThat(events.awaitEnded()).isNull();
    }

    @Test
    void disconnectRefusesACodeAClientMayNotSend() {
        ClientConnection connection = connection(config());

        assertThatThrownBy(() -> connection.disconnect(1006, ""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("code: 1006 (expected: 1000-1003, 1007-1014 or 3000-4999, a code a client may send)");
    }

    @Test
    void disconnectWhileConnectingCancelsTheAttempts() throws Exception {
        server.defaultFault(Fault.refuseUpgrade(503));
        ClientConnection connection = connection(config());
        CompletionStage<Void> connected = connection.connect();
        events.awaitAttemptFailed(1);

        await(connection.disconnect());

        assertThat(awaitFailure(connected)).isInstanceOf(java.util.concurrent.CancellationException.class);
        assertThat(events.awaitEnded()).isNull();
        clock.advance(Duration.ofMinutes(10));
        assertThat(server.accepted()).isEqualTo(1);
    }

    @Test
    void aSecondReconnectRequestReturnsAtOnceWhileOneIsInProgress() throws Exception {
        server.script(Fault.echo()).defaultFault(Fault.stall());
        ClientConnection connection = connection(config());
        await(connection.connect());

        CompletionStage<Void> first = connection.reconnect();
        CompletionStage<Void> second = connection.reconnect();

        assertThat(second.toCompletableFuture()).isCompletedExceptionally();
        assertThat(awaitFailure(second))
                .isInstanceOf(ReconnectInProgressException.class)
                .hasMessageStartingWith("reconnect already in progress");
        assertThat(first.toCompletableFuture()).isNotDone();
    }

    @Test
    void reconnectAttemptsAreReportedAndTheGiveUpCarriesTheCause() throws Exception {
        server.script(Fault.echo()).defaultFault(Fault.refuseUpgrade(503));
        ClientConnection connection = connection(withoutEarlyDropWindow()
                .reconnectBackoff(Backoff.fixed(Duration.ofSeconds(1)).toBuilder()
                        .maxAttempts(3)
                        .build()));
        await(connection.connect());

        server.dropAll();

        events.awaitDisconnected();
        for (int attempt = 1; attempt <= 2; attempt++) {
            assertThat(events.awaitAttemptFailed(attempt))
                    .hasMessage("reconnection attempt " + attempt + " failed: the server refused the WebSocket "
                            + "upgrade: HTTP 503 Service Unavailable");
            advanceToNextTask();
        }
        events.awaitAttemptFailed(3);
        assertThat(events.awaitEnded())
                .hasMessage("failed to reconnect after 3 attempts: the server refused the WebSocket upgrade: "
                        + "HTTP 503 Service Unavailable")
                .hasCauseInstanceOf(ConnectionException.class);
        assertThat(events.count(RecordingListener.Kind.DISCONNECTED)).isEqualTo(1); // once per drop
    }

    @Test
    void sendWithRetryOnADeadSocketResendsExactlyOnceAfterTheReconnect() throws Exception {
        ClientConnection connection = connection(config());
        await(connection.connect());
        server.dropAll();
        events.awaitDisconnected(); // the reconnect waits on the clock now

        CompletionStage<Void> sent = connection.sendWithRetry("order 66");
        advanceToNextTask();

        await(sent);
        assertThat(server.takeText(RecordingListener.TIMEOUT)).isEqualTo("order 66");
        await(connection.send("marker"));
        assertThat(server.takeText(RecordingListener.TIMEOUT)).isEqualTo("marker");
        assertThat(server.accepted()).isEqualTo(2);
    }

    @Test
    void sendWithRetryReportsAFailedReconnectInsteadOfThrowing() throws Exception {
        server.script(Fault.echo()).defaultFault(Fault.refuseUpgrade(503));
        ClientConnection connection = connection(withoutEarlyDropWindow()
                .reconnectBackoff(Backoff.builder().maxAttempts(1).build())
                .maxQuickFailures(0));
        await(connection.connect());
        server.dropAll();
        events.awaitEnded(); // the automatic reconnect gave up

        CompletionStage<Void> sent = connection.sendWithRetry("lost");

        assertThat(awaitFailure(sent))
                .isInstanceOf(ConnectionException.class)
                .hasMessage("sendWithRetry failed: the reconnect failed: failed to reconnect after 1 attempt: "
                        + "the server refused the WebSocket upgrade: HTTP 503 Service Unavailable");
        assertThat(events.awaitError()).hasMessageStartingWith("sendWithRetry failed: ");
        assertThat(server.accepted()).isEqualTo(3); // the first, the automatic reconnect, the one for the send
    }

    @Test
    void aSilentPeerIsDroppedTwoSecondsAfterOurCloseFrame() throws Exception {
        ClientConnection connection = connection(config().heartbeatInterval(Duration.ZERO));
        await(connection.connect());
        server.stallAll();

        CompletionStage<Void> disconnected = connection.disconnect();
        assertThat(clock.awaitPendingTasks(1, RecordingListener.TIMEOUT)).isTrue();
        assertThat(clock.nextDue()).isEqualTo(Duration.ofSeconds(2));
        assertThat(disconnected.toCompletableFuture()).isNotDone();
        clock.advance(Duration.ofSeconds(2));

        await(disconnected);
        assertThat(events.awaitEnded()).isNull();
        assertThat(connection.state()).isEqualTo(ConnectionState.DISCONNECTED);
    }
}
