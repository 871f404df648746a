package dev.tether.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.RpcErrorCode;
import dev.tether.core.RpcResponse;
import dev.tether.core.WireFormat;
import java.util.Map;
import java.util.concurrent.Flow;
import java.util.concurrent.SubmissionPublisher;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every row of the spec's error table, from a JSON client and from a MessagePack client. */
class RpcErrorMatrixTest {
    private static TetherServer server;

    public static final class Handler implements TetherHandler {
        @Rpc
        public int add(int a, int b) {
            return a + b;
        }

        @Rpc("math.mul")
        public int mul(int a, int b) {
            return a * b;
        }

        @Rpc
        public String crash() {
            throw new IllegalStateException("boom");
        }

        @Rpc
        public String refuse() {
            throw new RpcException("Room 'lobby' is full.");
        }

        @Rpc
        public String refuseWithData() {
            throw new RpcException("Room is full.", Map.of("room", "lobby"));
        }

        @Rpc
        public void login(Session session, String name) {
            session.attributes().put("user", name);
        }

        @Rpc(requires = "user")
        public String secret() {
            return "s3cret";
        }

        @Rpc(requires = "user")
        public Flow.Publisher<Integer> secretStream() {
            return new SubmissionPublisher<>();
        }

        @Rpc
        @RateLimit(limit = 0, period = "1m")
        public String never() {
            return "unreachable";
        }

        @Rpc
        @RateLimit(limit = 0, period = "1m")
        public java.util.stream.Stream<Integer> neverStream() {
            return java.util.stream.Stream.empty();
        }

        @Rpc
        public java.util.Iterator<Integer> crashStream() {
            throw new IllegalStateException("no stream today");
        }

        @Rpc
        public java.util.stream.Stream<Integer> badArgsStream(int n) {
            return java.util.stream.Stream.of(n);
        }
    }

    @BeforeAll
    static void start() {
        server = TetherServer.builder()
                .host("127.0.0.1")
                .port(0)
                .predicate("user", Predicates.has("user"))
                .handler(new Handler())
                .build()
                .start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static void assertError(RpcResponse r, RpcErrorCode code, Object message, boolean stream) {
        assertThat(r.errorCode()).isEqualTo(code);
        assertThat(r.response()).isEqualTo(message);
        assertThat(r.isEnd()).as("is_end").isTrue();
        assertThat(r.isStream()).as("is_stream").isEqualTo(stream);
    }

    @ParameterizedTest
    @EnumSource(WireFormat.class)
    void successfulCallHasOneReply(WireFormat format) throws Exception {
        try (WsClient client = WsClient.of(format, server)) {
            RpcResponse r = client.callAndWait("add", 10, 20);
            assertThat(r.response()).isEqualTo(30);
            assertThat(r.error()).isNull();
            assertThat(r.isStream()).isFalse();
            assertThat(client.callAndWait("math.mul", 6, 7).response()).isEqualTo(42);
        }
    }

    @ParameterizedTest
    @EnumSource(WireFormat.class)
    void methodNotFound(WireFormat format) throws Exception {
        try (WsClient client = WsClient.of(format, server)) {
            assertError(
                    client.callAndWait("nope"), RpcErrorCode.METHOD_NOT_FOUND, "RPC method 'nope' not found.", false);
            // exactly one reply: the next reply belongs to the next call
            assertThat(client.callAndWait("add", 1, 2).response()).isEqualTo(3);
        }
    }

    @ParameterizedTest
    @EnumSource(WireFormat.class)
    void aliasHidesTheJavaName(WireFormat format) throws Exception {
        try (WsClient client = WsClient.of(format, server)) {
            assertError(
                    client.callAndWait("mul", 6, 7),
                    RpcErrorCode.METHOD_NOT_FOUND,
                    "RPC method 'mul' not found.",
                    false);
        }
    }

    @ParameterizedTest
    @EnumSource(WireFormat.class)
    void invalidParams(WireFormat format) throws Exception {
        try (WsClient client = WsClient.of(format, server)) {
            assertError(
                    client.callAndWait("add", 1, "two"),
                    RpcErrorCode.INVALID_PARAMS,
                    "add(a, b) argument 'b': \"two\" (expected: int)",
                    false);
            assertError(
                    client.callAndWait("add", 1, 2, 3),
                    RpcErrorCode.INVALID_PARAMS,
                    "add(a, b) takes 2 arguments (got 3 positional)",
                    false);
            assertError(
                    client.callAndWait("badArgsStream"),
                    RpcErrorCode.INVALID_PARAMS,
                    "badArgsStream(n) is missing argument 'n' (expected: int)",
                    true);
        }
    }

    @ParameterizedTest
    @EnumSource(WireFormat.class)
    void internalServerError(WireFormat format) throws Exception {
        try (WsClient client = WsClient.of(format, server)) {
            assertError(
                    client.callAndWait("crash"),
                    RpcErrorCode.INTERNAL_SERVER_ERROR,
                    "Server error (IllegalStateException): boom",
                    false);
            assertError(
                    client.callAndWait("crashStream"),
                    RpcErrorCode.INTERNAL_SERVER_ERROR,
                    "Server error (IllegalStateException): no stream today",
                    true);
            // the session stays open
            assertThat(client.callAndWait("add", 2, 2).response()).isEqualTo(4);
        }
    }

    @ParameterizedTest
    @EnumSource(WireFormat.class)
    void rateLimitExceeded(WireFormat format) throws Exception {
        try (WsClient client = WsClient.of(format, server)) {
            assertError(
                    client.callAndWait("never"),
                    RpcErrorCode.RATE_LIMIT_EXCEEDED,
                    "Rate limit exceeded for RPC method 'never'.",
                    false);
            assertError(
                    client.callAndWait("neverStream"),
                    RpcErrorCode.RATE_LIMIT_EXCEEDED,
                    "Rate limit exceeded for RPC method 'neverStream'.",
                    true);
        }
    }

    @ParameterizedTest
    @EnumSource(WireFormat.class)
    void applicationError(WireFormat format) throws Exception {
        try (WsClient client = WsClient.of(format, server)) {
            assertError(client.callAndWait("refuse"), RpcErrorCode.APPLICATION_ERROR, "Room 'lobby' is full.", false);
            assertError(
                    client.callAndWait("refuseWithData"),
                    RpcErrorCode.APPLICATION_ERROR,
                    Map.of("message", "Room is full.", "data", Map.of("room", "lobby")),
                    false);
        }
    }

    @ParameterizedTest
    @EnumSource(WireFormat.class)
    void accessDenied(WireFormat format) throws Exception {
        try (WsClient client = WsClient.of(format, server)) {
            assertError(
                    client.callAndWait("secret"),
                    RpcErrorCode.ACCESS_DENIED,
                    "Access denied for RPC method 'secret'.",
                    false);
            assertError(
                    client.callAndWait("secretStream"),
                    RpcErrorCode.ACCESS_DENIED,
                    "Access denied for RPC method 'secretStream'.",
                    true);
            assertThat(client.callAndWait("login", "ada").response()).isNull();
            assertThat(client.callAndWait("secret").response()).isEqualTo("s3cret");
        }
    }

    @ParameterizedTest
    @EnumSource(WireFormat.class)
    void streamingMethodThatDoesNotExistAnswers(WireFormat format) throws Exception {
        try (WsClient client = WsClient.of(format, server)) {
            String id = client.call("noSuchStream", 3);
            RpcResponse r = client.reply();
            assertThat(r.callId()).isEqualTo(id);
            assertError(r, RpcErrorCode.METHOD_NOT_FOUND, "RPC method 'noSuchStream' not found.", false);
        }
    }
}
