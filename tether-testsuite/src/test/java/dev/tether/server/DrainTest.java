package dev.tether.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code server.drain()}: no new connections and readiness down at once, the calls in flight finish and their replies
 * reach the client, then every session gets 1001; a call that never ends is cut at the timeout.
 */
class DrainTest {
    private static final long WAIT_SECONDS = 10;

    /** {@code slow()} answers when the test completes {@link #answer}. */
    public static final class SlowHandler implements TetherHandler {
        final CompletableFuture<String> answer = new CompletableFuture<>();
        final CountDownLatch called = new CountDownLatch(1);

        @Rpc
        @NonBlocking
        public CompletionStage<String> slow() {
            called.countDown();
            return answer;
        }
    }

    private final SlowHandler handler = new SlowHandler();
    private TetherServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private void start(Duration drainTimeout) {
        server = TetherServer.builder()
                .host("127.0.0.1")
                .port(0)
                .drainTimeout(drainTimeout)
                .handler(handler)
                .build()
                .start();
    }

    @Test
    void aCallInFlightFinishesAndItsReplyArrivesBeforeThe1001() throws Exception {
        start(Duration.ofSeconds(30));
        int port = server.port();
        try (HealthTest.Http http = new HealthTest.Http(port);
                WsClient client = WsClient.json(server)) {
            String id = client.call("slow");
            assertThat(handler.called.await(WAIT_SECONDS, TimeUnit.SECONDS))
                    .as("the call is in flight before the drain")
                    .isTrue();
            assertThat(http.get("/health/ready")).startsWith("200");

            CompletionStage<Void> drained = server.drain();

            assertThat(http.get("/health/ready"))
                    .isEqualTo("503 {\"status\":\"DOWN\",\"reason\":\"the server is draining\"}");
            assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), port).close())
                    .as("no new connections while draining")
                    .isInstanceOf(IOException.class);
            assertThat(drained.toCompletableFuture()).isNotDone();

            handler.answer.complete("done");

            RpcResponseAssert reply = new RpcResponseAssert(client.reply());
            reply.is(id, "done");
            assertThat(client.awaitClose()).isEqualTo("1001 Server is shutting down.");
            drained.toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
        }
    }

    @Test
    void aCallThatNeverEndsIsCutAtTheTimeout() throws Exception {
        start(Duration.ofMillis(200));
        try (WsClient client = WsClient.json(server)) {
            client.call("slow");
            assertThat(handler.called.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();

            server.drain().toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);

            assertThat(client.awaitClose()).isEqualTo("1001 Server is shutting down.");
        }
    }

    @Test
    void withNothingInFlightTheSessionsAreClosedWithoutWaitingForTheTimeout() throws Exception {
        start(Duration.ofHours(1)); // a drain that waited for its timeout would fail the get below
        try (WsClient idle = WsClient.json(server)) {
            assertThat(idle.callAndWait("nope").error()).isNotNull(); // the session is up

            server.drain().toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);

            assertThat(idle.awaitClose()).isEqualTo("1001 Server is shutting down.");
        }
    }

    @Test
    void aSecondDrainOrADrainWhileClosingReturnsTheClose() throws Exception {
        start(Duration.ofSeconds(30));
        CompletionStage<Void> first = server.drain();
        CompletionStage<Void> second = server.drain();
        first.toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
        second.toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThatThrownBy(() -> server.drain(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("timeout: PT-1S (expected: >= 0)");
    }

    /** The one reply this test expects. */
    private record RpcResponseAssert(dev.tether.core.RpcResponse response) {
        void is(String callId, Object result) {
            assertThat(response.callId()).isEqualTo(callId);
            assertThat(response.error()).isNull();
            assertThat(response.response()).isEqualTo(result);
        }
    }
}
