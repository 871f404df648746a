package dev.tether.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.RpcErrorCode;
import dev.tether.core.RpcResponse;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The server-wide bound on work for the workers ({@code maxPendingWorkerTasks}): past it a call is answered at once. */
class WorkerLimitTest {
    private static final String BUSY = "Server busy: too many pending worker tasks (limit 2); retry later.";

    /** Its checks run on the I/O thread, so the one worker holds nothing but {@code block} calls. */
    @NonBlocking
    public static final class Handler implements TetherHandler {
        final Semaphore entered = new Semaphore(0);
        final CountDownLatch release = new CountDownLatch(1);

        @Rpc
        public String block() throws InterruptedException {
            entered.release();
            return release.await(10, TimeUnit.SECONDS) ? "released" : "not released";
        }

        /** Ends once closed: the stream of a refused pull is closed too. */
        final CountDownLatch streamClosed = new CountDownLatch(1);

        @Rpc
        public Stream<Integer> count(int n) {
            return IntStream.rangeClosed(1, n).boxed().onClose(streamClosed::countDown);
        }

        /** Answered where the checks run: its reply says the session's earlier requests went through them. */
        @Rpc
        @NonBlocking
        public String ping() {
            return "pong";
        }
    }

    private final Handler handler = new Handler();
    private final ExecutorService oneWorker = Executors.newSingleThreadExecutor();
    private TetherServer server;

    @BeforeEach
    void start() {
        server = serve(oneWorker);
    }

    /** A server whose workers may hold two tasks, on {@code workers}. */
    private TetherServer serve(ExecutorService workers) {
        TetherServer.Builder builder = TetherServer.builder().host("127.0.0.1").port(0);
        return builder.workerExecutor(workers)
                .maxPendingWorkerTasks(2)
                .httpEndpoint("/hello", request -> CompletableFuture.completedFuture(HttpResponse.text(200, "hello")))
                .handler(handler)
                .build()
                .start();
    }

    @AfterEach
    void stop() {
        handler.release.countDown();
        server.close();
        oneWorker.shutdownNow();
    }

    @Test
    void callsPastTheServerWideLimitAreRefusedAtOnceWhileTheWorkerIsBlocked() throws Exception {
        try (WsClient a = WsClient.json(server);
                WsClient b = WsClient.json(server);
                WsClient c = WsClient.json(server)) {
            String running = a.call("block");
            assertThat(handler.entered.tryAcquire(10, TimeUnit.SECONDS)).isTrue();
            String queued = b.call("block");
            assertThat(b.callAndWait("ping").response()).isEqualTo("pong"); // the call before it was taken

            RpcResponse refused = c.callAndWait("block");
            assertThat(refused.errorCode()).isEqualTo(RpcErrorCode.INTERNAL_SERVER_ERROR);
            assertThat(refused.response()).isEqualTo(BUSY);
            assertThat(refused.isEnd()).isTrue();
            RpcResponse alsoRefused = a.callAndWait("block");
            assertThat(alsoRefused.response())
                    .as("the bound is the server's, not the session's")
                    .isEqualTo(BUSY);
            assertThat(server.stats().refusedWorkerTasks()).isEqualTo(2);
            assertThat(handler.entered.availablePermits())
                    .as("the queued call still waits")
                    .isZero();

            handler.release.countDown();
            RpcResponse first = a.reply();
            assertThat(first.callId()).isEqualTo(running);
            assertThat(first.response()).isEqualTo("released");
            RpcResponse second = b.reply();
            assertThat(second.callId()).isEqualTo(queued);
            assertThat(second.response()).isEqualTo("released");
            assertThat(c.callAndWait("block").response()).as("room again").isEqualTo("released");
        }
    }

    @Test
    void aStreamWhosePullFindsTheWorkersFullEndsWithTheError() throws Exception {
        ExecutorService twoWorkers = Executors.newFixedThreadPool(2);
        try (TetherServer small = serve(twoWorkers);
                WsClient a = WsClient.json(small);
                WsClient b = WsClient.json(small)) {
            a.call("block");
            assertThat(handler.entered.tryAcquire(10, TimeUnit.SECONDS)).isTrue();

            // The stream's start takes the second task; its first pull would be a third.
            List<RpcResponse> replies = b.streamReplies(b.call("count", 3));
            assertThat(replies).hasSize(1);
            assertThat(replies.get(0).errorCode()).isEqualTo(RpcErrorCode.INTERNAL_SERVER_ERROR);
            assertThat(replies.get(0).response()).isEqualTo("\nStream aborted: " + BUSY);
            assertThat(replies.get(0).isStream()).isTrue();
            assertThat(handler.streamClosed.await(10, TimeUnit.SECONDS))
                    .as("the Stream is closed")
                    .isTrue();
            assertThat(small.stats().refusedWorkerTasks()).isEqualTo(1);
            handler.release.countDown();
        } finally {
            handler.release.countDown();
            twoWorkers.shutdownNow();
        }
    }

    @Test
    void anHttpRequestPastTheLimitGets503() throws Exception {
        try (WsClient a = WsClient.json(server);
                WsClient b = WsClient.json(server)) {
            a.call("block");
            assertThat(handler.entered.tryAcquire(10, TimeUnit.SECONDS)).isTrue();
            b.call("block");
            assertThat(b.callAndWait("ping").response()).isEqualTo("pong");

            java.net.http.HttpResponse<String> refused = get("/hello");
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.body()).isEqualTo(BUSY);

            handler.release.countDown();
            a.reply();
            b.reply();
            assertThat(get("/hello").body()).as("room again").isEqualTo("hello");
        }
    }

    private java.net.http.HttpResponse<String> get(String path) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(WsClient.WAIT).build();
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                        .timeout(WsClient.WAIT)
                        .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    }
}
