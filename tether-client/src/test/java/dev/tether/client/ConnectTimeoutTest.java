package dev.tether.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.Backoff;
import dev.tether.core.ManualClock;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A TCP connect that never completes fails after the connect timeout, read from the injected clock. The server is a
 * listening socket whose accept queue is full and that never accepts: Linux drops further SYNs, so the connect
 * hangs even on loopback.
 */
class ConnectTimeoutTest {
    private final ManualClock clock = new ManualClock();
    private final List<Socket> fillers = new ArrayList<>();
    private ServerSocket listener;
    private ClientConnection connection;

    @AfterEach
    void stop() throws Exception {
        if (connection != null) {
            connection.close().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        for (Socket s : fillers) {
            s.close();
        }
        if (listener != null) {
            listener.close();
        }
    }

    @Test
    void connectThatNeverCompletesFailsAfterTheConnectTimeout() throws Exception {
        listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        fillAcceptQueue(listener);
        connection = ClientConnection.create(ConnectionConfig.builder()
                .uri("ws://127.0.0.1:" + listener.getLocalPort() + "/")
                .clock(clock)
                .random(new SplittableRandom(42))
                .heartbeatInterval(Duration.ZERO)
                .connectTimeout(Duration.ofSeconds(5))
                .connectBackoff(
                        Backoff.connectDefault().toBuilder().maxAttempts(1).build())
                .build());

        CompletableFuture<Void> connected = connection.connect().toCompletableFuture();
        // The attempt's timers: the whole-handshake timeout and the connect timeout.
        assertThat(clock.awaitPendingTasks(2, Duration.ofSeconds(10))).isTrue();
        assertThat(connected).isNotDone();
        clock.advance(Duration.ofSeconds(5));

        Throwable failure = failureOf(connected);
        assertThat(failure).isInstanceOf(ConnectionException.class);
        assertThat(failure.getMessage()).contains("within 5");
    }

    /** Connects until a connect stalls: the accept queue is then full and further SYNs are dropped. */
    private void fillAcceptQueue(ServerSocket server) throws Exception {
        for (int i = 0; i < 16; i++) {
            Socket s = new Socket();
            fillers.add(s);
            try {
                s.connect(new InetSocketAddress(server.getInetAddress(), server.getLocalPort()), 200);
            } catch (java.net.SocketTimeoutException full) {
                return;
            }
        }
        throw new IllegalStateException("the accept queue never filled");
    }

    private static Throwable failureOf(CompletableFuture<?> future) throws Exception {
        try {
            future.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        }
        throw new AssertionError("expected the connect to fail");
    }
}
