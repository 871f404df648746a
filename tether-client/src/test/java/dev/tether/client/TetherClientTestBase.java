package dev.tether.client;

import static org.assertj.core.api.Assertions.fail;

import dev.tether.core.ManualClock;
import dev.tether.server.TetherServer;
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

/** A Tether server with {@link RpcTestHandler} on port 0, a manual clock, and clients closed after each test. */
abstract class TetherClientTestBase {
    protected final ManualClock clock = new ManualClock();
    protected final RecordingListener events = new RecordingListener();
    protected final RpcTestHandler handler = new RpcTestHandler();
    protected TetherServer server;
    private final List<TetherClient> clients = new ArrayList<>();

    @BeforeEach
    void startServer() {
        server = startServer(0);
    }

    protected TetherServer startServer(int port) {
        return TetherServer.builder()
                .dispatchRpc(false) // the test handler scripts its RPC answers by hand
                .host("127.0.0.1")
                .port(port)
                .handler(handler)
                .build()
                .start();
    }

    @AfterEach
    void stopEverything() throws Exception {
        for (TetherClient client : clients) {
            client.close().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        server.close();
    }

    /** Test defaults: this server, the manual clock, a fixed seed, no heartbeats (only the test moves time). */
    protected ConnectionConfig.Builder connectionConfig() {
        return ConnectionConfig.builder()
                .uri("ws://127.0.0.1:" + server.port() + "/")
                .clock(clock)
                .random(new SplittableRandom(42))
                .heartbeatInterval(Duration.ZERO)
                .listener(events);
    }

    protected TetherClientConfig.Builder config() {
        return TetherClientConfig.builder().connection(connectionConfig().build());
    }

    protected TetherClient client(TetherClientConfig.Builder config) {
        TetherClient client = TetherClient.create(config.build());
        clients.add(client);
        return client;
    }

    protected TetherClient connected() throws Exception {
        TetherClient client = client(config());
        await(client.connect());
        return client;
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

    /** Moves the clock to the next pending task (the wait the last event announced). */
    protected Duration advanceToNextTask() {
        Duration next = clock.nextDue();
        if (next == null) {
            return fail("nothing is scheduled on " + clock);
        }
        clock.advance(next);
        return next;
    }
}
