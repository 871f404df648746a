package dev.tether.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.tether.core.ManualClock;
import dev.tether.testing.fault.FaultServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** A fault server, a manual clock and a recorder per test; connections made here are closed after it. */
abstract class ConnectionTestBase {
    protected final ManualClock clock = new ManualClock();
    protected final RecordingListener events = new RecordingListener();
    protected FaultServer server;
    private final List<ClientConnection> connections = new ArrayList<>();

    @BeforeEach
    void startServer() {
        server = FaultServer.builder().clock(clock).start();
    }

    @AfterEach
    void stopEverything() throws Exception {
        for (ClientConnection connection : connections) {
            connection.close().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        server.close();
    }

    /** Test defaults: the fault server, the manual clock, a fixed seed, the recorder. */
    protected ConnectionConfig.Builder config() {
        return ConnectionConfig.builder()
                .uri(server.uri())
                .clock(clock)
                .random(new SplittableRandom(42))
                .listener(events);
    }

    protected ClientConnection connection(ConnectionConfig.Builder config) {
        ClientConnection connection = ClientConnection.create(config.build());
        connections.add(connection);
        return connection;
    }

    /** Moves the clock to the next pending task (the scheduled wait the last event announced). */
    protected Duration advanceToNextTask() {
        Duration next = clock.nextDue();
        if (next == null) {
            return fail("nothing is scheduled on " + clock);
        }
        clock.advance(next);
        return next;
    }

    protected static <T> T await(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    protected static Throwable awaitFailure(CompletionStage<?> stage) throws InterruptedException, TimeoutException {
        try {
            stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        }
        return fail("expected " + stage + " to fail");
    }

    /** A round trip through the echo server: when it returns, everything queued before it has happened. */
    protected void roundTrip(ClientConnection connection, String marker) throws Exception {
        await(connection.send(marker));
        assertThat(server.takeText(RecordingListener.TIMEOUT)).isEqualTo(marker);
    }
}
