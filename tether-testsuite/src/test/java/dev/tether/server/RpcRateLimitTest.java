package dev.tether.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.ManualClock;
import dev.tether.core.RpcErrorCode;
import dev.tether.core.RpcResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Rate limits against an injected clock, so the window edges are exact. */
class RpcRateLimitTest {
    private final ManualClock clock = new ManualClock();
    private TetherServer server;

    public static final class Handler implements TetherHandler {
        @Rpc
        @RateLimit(limit = 2, period = "10s")
        public String limited() {
            return "ok";
        }

        @Rpc
        @RateLimit(limit = 0, period = "1s")
        public String closed() {
            return "never";
        }

        @Rpc
        @RateLimit(limit = 1, period = "1m", disconnect = true)
        public String strict() {
            return "ok";
        }

        @Rpc(requires = "user")
        @RateLimit(limit = 1, period = "1m")
        public String guarded() {
            return "ok";
        }

        @Rpc
        public void login(Session session) {
            session.attributes().put("user", "ada");
        }

        @Rpc
        @TokenBucket(capacity = 2, refill = 1, per = "1s")
        public String bucket() {
            return "ok";
        }

        @Rpc
        @TokenBucket(capacity = 1, refill = 1, per = "1m", scope = TokenBucket.Scope.REMOTE_ADDRESS)
        public String shared() {
            return "ok";
        }
    }

    @BeforeEach
    void start() {
        server = TetherServer.builder()
                .host("127.0.0.1")
                .port(0)
                .clock(clock)
                .pingInterval(Duration.ZERO) // time jumps by hours here; IdleTimeoutTest covers the keepalive
                .idleTimeout(Duration.ZERO)
                .predicate("user", Predicates.has("user"))
                .handler(new Handler())
                .build()
                .start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static boolean allowed(RpcResponse r) {
        if (r.error() == null) {
            return true;
        }
        assertThat(r.errorCode()).isEqualTo(RpcErrorCode.RATE_LIMIT_EXCEEDED);
        return false;
    }

    @Test
    void fixedWindowOpensAtTheFirstCallAndEndsExactlyAfterThePeriod() throws Exception {
        try (WsClient client = WsClient.json(server)) {
            assertThat(allowed(client.callAndWait("limited"))).isTrue();
            assertThat(allowed(client.callAndWait("limited"))).isTrue();
            RpcResponse third = client.callAndWait("limited");
            assertThat(third.response()).isEqualTo("Rate limit exceeded for RPC method 'limited'.");
            assertThat(allowed(third)).isFalse();

            clock.advance(Duration.ofSeconds(10).minusNanos(1));
            assertThat(allowed(client.callAndWait("limited"))).isFalse();

            clock.advance(Duration.ofNanos(1)); // exactly 10 s after the window opened: a new window
            assertThat(allowed(client.callAndWait("limited"))).isTrue();
            assertThat(allowed(client.callAndWait("limited"))).isTrue();
            assertThat(allowed(client.callAndWait("limited"))).isFalse();
        }
    }

    @Test
    void windowsAreCountedPerSession() throws Exception {
        try (WsClient first = WsClient.json(server);
                WsClient second = WsClient.msgpack(server)) {
            assertThat(allowed(first.callAndWait("limited"))).isTrue();
            assertThat(allowed(first.callAndWait("limited"))).isTrue();
            assertThat(allowed(first.callAndWait("limited"))).isFalse();
            assertThat(allowed(second.callAndWait("limited"))).isTrue();
        }
    }

    @Test
    void limitZeroAlwaysRejects() throws Exception {
        try (WsClient client = WsClient.json(server)) {
            assertThat(allowed(client.callAndWait("closed"))).isFalse();
            clock.advance(Duration.ofHours(1));
            assertThat(allowed(client.callAndWait("closed"))).isFalse();
        }
    }

    @Test
    void disconnectSendsTheErrorThenCloses1013() throws Exception {
        try (WsClient client = WsClient.msgpack(server)) {
            assertThat(allowed(client.callAndWait("strict"))).isTrue();
            RpcResponse refused = client.callAndWait("strict");
            assertThat(refused.errorCode()).isEqualTo(RpcErrorCode.RATE_LIMIT_EXCEEDED);
            assertThat(refused.isEnd()).isTrue();
            assertThat(client.awaitClose()).isEqualTo("1013 Rate limit exceeded");
        }
    }

    @Test
    void aDeniedCallDoesNotConsumeQuota() throws Exception {
        try (WsClient client = WsClient.json(server)) {
            assertThat(client.callAndWait("guarded").errorCode()).isEqualTo(RpcErrorCode.ACCESS_DENIED);
            assertThat(client.callAndWait("guarded").errorCode()).isEqualTo(RpcErrorCode.ACCESS_DENIED);
            client.callAndWait("login");
            assertThat(allowed(client.callAndWait("guarded"))).isTrue();
            assertThat(allowed(client.callAndWait("guarded"))).isFalse();
        }
    }

    @Test
    void tokenBucketAllowsABurstThenTheSteadyRate() throws Exception {
        try (WsClient client = WsClient.json(server)) {
            assertThat(allowed(client.callAndWait("bucket"))).isTrue();
            assertThat(allowed(client.callAndWait("bucket"))).isTrue();
            assertThat(allowed(client.callAndWait("bucket"))).isFalse();

            clock.advance(Duration.ofMillis(999)); // not yet a whole call back
            assertThat(allowed(client.callAndWait("bucket"))).isFalse();
            clock.advance(Duration.ofMillis(1));
            assertThat(allowed(client.callAndWait("bucket"))).isTrue();
            assertThat(allowed(client.callAndWait("bucket"))).isFalse();

            clock.advance(Duration.ofSeconds(60)); // refills up to the capacity, no further
            assertThat(allowed(client.callAndWait("bucket"))).isTrue();
            assertThat(allowed(client.callAndWait("bucket"))).isTrue();
            assertThat(allowed(client.callAndWait("bucket"))).isFalse();
        }
    }

    @Test
    void anAddressBucketIsSharedBySessionsFromThatAddress() throws Exception {
        try (WsClient first = WsClient.json(server);
                WsClient second = WsClient.json(server)) {
            assertThat(allowed(first.callAndWait("shared"))).isTrue();
            assertThat(allowed(second.callAndWait("shared"))).isFalse();
            clock.advance(Duration.ofMinutes(1));
            assertThat(allowed(second.callAndWait("shared"))).isTrue();
        }
    }
}
