package dev.tether.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.tether.client.AuthenticationException;
import dev.tether.client.ClientSession;
import dev.tether.client.ConnectionConfig;
import dev.tether.client.ConnectionException;
import dev.tether.client.ServerNotFoundException;
import dev.tether.client.SessionProtocol;
import dev.tether.core.Backoff;
import dev.tether.core.ManualClock;
import dev.tether.core.TetherException;
import dev.tether.testing.fault.Fault;
import dev.tether.testing.fault.FaultServer;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One establisher against a fault server on loopback, timed by a {@link ManualClock}; its outcomes are recorded
 * and awaited. The connection it belongs to is never connected: it only owns the sessions.
 */
class EstablisherTest {
    private static final Backoff THREE_ATTEMPTS_A_SECOND_APART =
            Backoff.fixed(Duration.ofSeconds(1)).toBuilder().maxAttempts(3).build();

    private final ManualClock clock = new ManualClock();
    private final FaultServer server = FaultServer.builder().clock(clock).start();
    private final MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final EventLoop loop = group.next();
    private final BlockingQueue<Object> outcomes = new LinkedBlockingQueue<>();
    private final AtomicInteger resubscribes = new AtomicInteger();

    private record Failed(int attempt, ConnectionException error) {}

    private record Ready(DefaultClientSession session) {}

    private record GaveUp(TetherException error) {}

    @AfterEach
    void stop() throws Exception {
        onLoop(() -> {
            DefaultClientSession session = null;
            for (Object outcome : outcomes) {
                if (outcome instanceof Ready ready) {
                    session = ready.session();
                }
            }
            if (session != null) {
                session.closeChannel();
            }
            return null;
        });
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).get(10, TimeUnit.SECONDS);
        server.close();
    }

    private ConnectionConfig.Builder config() {
        return ConnectionConfig.builder()
                .uri(server.uri())
                .clock(clock)
                .random(new SplittableRandom(42))
                .eventLoopGroup(group)
                .protocol(new SessionProtocol() {
                    @Override
                    public CompletionStage<Void> resubscribe(ClientSession session) {
                        resubscribes.incrementAndGet();
                        return CompletableFuture.completedFuture(null);
                    }
                });
    }

    private Establisher establisher(ConnectionConfig config) {
        return new Establisher(new DefaultClientConnection(config), loop, new Establisher.Outcome() {
            @Override
            public void attemptFailed(int attempt, ConnectionException error) {
                outcomes.add(new Failed(attempt, error));
            }

            @Override
            public void ready(DefaultClientSession session) {
                outcomes.add(new Ready(session));
            }

            @Override
            public void gaveUp(TetherException error) {
                outcomes.add(new GaveUp(error));
            }
        });
    }

    private Establisher started(ConnectionConfig.Builder config, Backoff backoff, boolean reconnect) throws Exception {
        Establisher establisher = establisher(config.build());
        onLoop(() -> {
            establisher.start(backoff, reconnect, reconnect, Duration.ZERO);
            return null;
        });
        return establisher;
    }

    private <T> T onLoop(Callable<T> task) throws Exception {
        return loop.submit(task).get(10, TimeUnit.SECONDS);
    }

    private <T> T next(Class<T> kind) throws InterruptedException {
        Object outcome = outcomes.poll(10, TimeUnit.SECONDS);
        if (!kind.isInstance(outcome)) {
            return fail("expected " + kind.getSimpleName() + ", got " + outcome + "; then " + outcomes);
        }
        return kind.cast(outcome);
    }

    @Test
    void anUpgradedAndHandshakenSocketIsReady() throws Exception {
        Establisher establisher = started(config(), Backoff.connectDefault(), false);

        DefaultClientSession session = next(Ready.class).session();

        assertThat(session.number()).isEqualTo(1);
        assertThat(session.isReconnect()).isFalse();
        assertThat(session.isOpen()).isTrue();
        assertThat(resubscribes).hasValue(0);
        assertThat(onLoop(establisher::isRunning)).isFalse();
        assertThat(clock.pendingTasks()).isZero(); // both attempt timers are cancelled
    }

    @Test
    void aSocketAfterAReadySessionResubscribesBeforeItIsReady() throws Exception {
        started(config(), Backoff.connectDefault(), true);

        DefaultClientSession session = next(Ready.class).session();

        assertThat(session.isReconnect()).isTrue();
        assertThat(resubscribes).hasValue(1);
    }

    @Test
    void failedAttemptsWaitByTheBackoffThenGiveUp() throws Exception {
        server.defaultFault(Fault.refuseUpgrade(503));
        started(config(), THREE_ATTEMPTS_A_SECOND_APART, false);

        for (int attempt = 1; attempt <= 2; attempt++) {
            Failed failed = next(Failed.class);
            assertThat(failed.attempt()).isEqualTo(attempt);
            assertThat(failed.error())
                    .hasMessage("connection attempt " + attempt + " failed: the server refused the WebSocket upgrade: "
                            + "HTTP 503 Service Unavailable");
            assertThat(clock.pendingDelays()).containsExactly(Duration.ofSeconds(1));
            clock.advance(Duration.ofSeconds(1));
        }
        assertThat(next(Failed.class).attempt()).isEqualTo(3);

        assertThat(next(GaveUp.class).error())
                .isExactlyInstanceOf(ConnectionException.class)
                .hasMessage("failed to connect after 3 attempts: the server refused the WebSocket upgrade: "
                        + "HTTP 503 Service Unavailable");
        assertThat(server.accepted()).isEqualTo(3);
    }

    @Test
    void aReconnectRunSaysReconnection() throws Exception {
        server.defaultFault(Fault.refuseUpgrade(503));
        started(config(), Backoff.builder().maxAttempts(1).build(), true);

        assertThat(next(Failed.class).error()).hasMessageStartingWith("reconnection attempt 1 failed: ");
        assertThat(next(GaveUp.class).error()).hasMessageStartingWith("failed to reconnect after 1 attempt: ");
    }

    @Test
    void anAuthenticationRejectionIsNeverRetried() throws Exception {
        server.defaultFault(Fault.refuseUpgrade(401));
        started(config(), THREE_ATTEMPTS_A_SECOND_APART, false);

        assertThat(next(GaveUp.class).error())
                .isInstanceOf(AuthenticationException.class)
                .hasMessage("the server refused the WebSocket upgrade: HTTP 401 Unauthorized");
        assertThat(server.accepted()).isEqualTo(1);
    }

    @Test
    void refusedOnEveryAttemptIsServerNotFound() throws Exception {
        int freePort;
        try (ServerSocket socket = new ServerSocket(0)) {
            freePort = socket.getLocalPort();
        }
        started(
                config().uri("ws://127.0.0.1:" + freePort + "/chat"),
                Backoff.builder().maxAttempts(1).build(),
                false);

        assertThat(next(Failed.class).error()).hasMessageContaining("refused");
        assertThat(next(GaveUp.class).error())
                .isInstanceOf(ServerNotFoundException.class)
                .hasMessage("could not find the server at ws://127.0.0.1:" + freePort + "/chat");
    }

    @Test
    void anUpgradeWithNoAnswerTimesOutAfterTheHandshakeTimeout() throws Exception {
        server.defaultFault(Fault.stall());
        // A connect timeout beyond the handshake timeout: whether or not the client has seen its TCP connect
        // complete yet, the handshake timer is the one that fires.
        started(
                config().handshakeTimeout(Duration.ofSeconds(10)).connectTimeout(Duration.ofSeconds(20)),
                THREE_ATTEMPTS_A_SECOND_APART,
                false);
        assertThat(server.awaitAccepted(1, Duration.ofSeconds(10))).isTrue();

        clock.advance(Duration.ofSeconds(10));

        assertThat(next(Failed.class).error())
                .hasMessage("connection attempt 1 failed: handshake did not complete within 10 s");
    }

    @Test
    void aFailingProtocolHandshakeIsRetried() throws Exception {
        ConnectionConfig.Builder config = config().protocol(new SessionProtocol() {
            @Override
            public CompletionStage<Void> handshake(ClientSession session) {
                return CompletableFuture.failedFuture(new ConnectionException("no greeting"));
            }
        });
        started(config, THREE_ATTEMPTS_A_SECOND_APART, false);

        assertThat(next(Failed.class).error()).hasMessage("connection attempt 1 failed: no greeting");
    }

    @Test
    void cancelEndsTheRunWithoutAnOutcome() throws Exception {
        server.defaultFault(Fault.refuseUpgrade(503));
        Establisher establisher = started(config(), THREE_ATTEMPTS_A_SECOND_APART, false);
        next(Failed.class);

        assertThat(onLoop(establisher::cancel)).isTrue();

        assertThat(clock.pendingTasks()).isZero();
        assertThat(onLoop(establisher::isRunning)).isFalse();
        assertThat(onLoop(establisher::cancel)).isFalse();
    }
}
