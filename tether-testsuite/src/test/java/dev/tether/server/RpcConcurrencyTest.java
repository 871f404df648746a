package dev.tether.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.RpcErrorCode;
import dev.tether.core.RpcResponse;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Where calls run, how many may run at once, and what happens to a call whose session went away. */
class RpcConcurrencyTest {
    private final Handler handler = new Handler();
    private TetherServer server;

    public static final class Handler implements TetherHandler {
        final Semaphore entered = new Semaphore(0);
        final CountDownLatch release = new CountDownLatch(1);
        final Semaphore finished = new Semaphore(0);
        final CompletableFuture<String> later = new CompletableFuture<>();

        @Rpc
        public String block() throws InterruptedException {
            entered.release();
            try {
                release.await(10, TimeUnit.SECONDS);
                return "released";
            } finally {
                finished.release();
            }
        }

        @Rpc
        public String thread() {
            return Thread.currentThread().getName();
        }

        @Rpc
        @NonBlocking
        public CompletionStage<String> async() {
            return later;
        }
    }

    @BeforeEach
    void start() {
        server = TetherServer.builder()
                .host("127.0.0.1")
                .port(0)
                .rpcTaskLimit(2)
                .handler(handler)
                .build()
                .start();
    }

    @AfterEach
    void stop() {
        handler.release.countDown();
        server.close();
    }

    @Test
    void callsOverTheLimitAreRefusedAtOnce() throws Exception {
        try (WsClient client = WsClient.json(server)) {
            String first = client.call("block");
            String second = client.call("block");
            assertThat(handler.entered.tryAcquire(2, 10, TimeUnit.SECONDS)).isTrue();

            RpcResponse refused = client.callAndWait("block");
            assertThat(refused.errorCode()).isEqualTo(RpcErrorCode.INTERNAL_SERVER_ERROR);
            assertThat(refused.response()).isEqualTo("Too many concurrent RPC calls on this connection (limit 2).");
            assertThat(refused.isEnd()).isTrue();

            handler.release.countDown();
            Set<String> answered = new HashSet<>();
            answered.add(client.reply().callId());
            answered.add(client.reply().callId());
            assertThat(answered).containsExactlyInAnyOrder(first, second);
            assertThat(client.callAndWait("thread").error())
                    .as("slots are free again")
                    .isNull();
        }
    }

    @Test
    void plainMethodsRunOnWorkers() throws Exception {
        try (WsClient client = WsClient.json(server)) {
            assertThat((String) client.callAndWait("thread").response()).doesNotStartWith("tether-io-");
        }
    }

    @Test
    void asyncMethodsCompleteLaterWithoutHoldingOthersUp() throws Exception {
        try (WsClient client = WsClient.json(server)) {
            String id = client.call("async");
            assertThat(client.callAndWait("thread").error()).isNull(); // the pending call does not hold others up
            handler.later.complete("done");
            RpcResponse r = client.reply();
            assertThat(r.callId()).isEqualTo(id);
            assertThat(r.response()).isEqualTo("done");
        }
    }

    @NonBlocking
    public static final class LoopHandler implements TetherHandler {
        volatile String thread = "";

        @Rpc
        public CompletionStage<String> where() {
            thread = Thread.currentThread().getName();
            return CompletableFuture.completedFuture("here");
        }

        /** A plain method: the class's annotation does not cover it. */
        @Rpc
        public String plain() {
            return Thread.currentThread().getName();
        }

        /** A plain method that declares itself non-blocking. */
        @Rpc
        @NonBlocking
        public String declared() {
            return Thread.currentThread().getName();
        }
    }

    @Test
    void asyncMethodsOfANonBlockingHandlerRunOnTheIoThread() throws Exception {
        LoopHandler loop = new LoopHandler();
        try (TetherServer onLoop = TetherServer.builder()
                        .host("127.0.0.1")
                        .port(0)
                        .handler(loop)
                        .build()
                        .start();
                WsClient client = WsClient.json(onLoop)) {
            assertThat(client.callAndWait("where").response()).isEqualTo("here");
            assertThat(loop.thread).startsWith("tether-io-");
        }
    }

    @Test
    void aPlainMethodRunsOnTheIoThreadOnlyWhenItIsItselfNonBlocking() throws Exception {
        try (TetherServer onLoop = TetherServer.builder()
                        .host("127.0.0.1")
                        .port(0)
                        .handler(new LoopHandler())
                        .build()
                        .start();
                WsClient client = WsClient.json(onLoop)) {
            assertThat((String) client.callAndWait("declared").response()).startsWith("tether-io-");
            assertThat((String) client.callAndWait("plain").response()).doesNotStartWith("tether-io-");
        }
    }

    @Test
    void aReplyForAClosedSessionIsDroppedQuietly() throws Exception {
        WsClient client = WsClient.json(server);
        client.call("block");
        assertThat(handler.entered.tryAcquire(10, TimeUnit.SECONDS)).isTrue();
        Session session = server.sessions().get(0);
        client.close();
        session.closeFuture().toCompletableFuture().get(10, TimeUnit.SECONDS);

        handler.release.countDown();
        assertThat(handler.finished.tryAcquire(10, TimeUnit.SECONDS)).isTrue();
        try (WsClient next = WsClient.json(server)) {
            assertThat(next.callAndWait("thread").error()).isNull();
        }
    }
}
