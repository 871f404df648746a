package dev.tether.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.Packet;
import dev.tether.core.PacketCodecs;
import dev.tether.core.PacketSource;
import dev.tether.core.RpcErrorCode;
import dev.tether.core.RpcRequest;
import dev.tether.core.RpcResponse;
import dev.tether.server.TetherServer;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The demo server over real sockets: the page over HTTP, and every RPC method and the chat from generic (JSON)
 * clients.
 */
class DemoServerTest {
    private static final HttpClient http = HttpClient.newHttpClient();
    private static final AtomicInteger nextCallId = new AtomicInteger();
    private static TetherServer server;

    @BeforeAll
    static void startServer() {
        server = DemoServer.create("127.0.0.1", 0).start();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Test
    void servesThePageAtTheRoot() throws Exception {
        HttpResponse<String> response = get("/");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
        assertThat(response.body()).contains("<title>Tether demo</title>").contains("id=\"add-call\"");
    }

    @Test
    void servesPrometheusMetrics() throws Exception {
        HttpResponse<String> response = get("/metrics");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("text/plain; version=0.0.4"));
        assertThat(response.body()).contains("# TYPE tether_connections_open gauge");
    }

    @Test
    void isReady() throws Exception {
        HttpResponse<String> response = get("/health/ready");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"status\":\"UP\"}");
    }

    @Test
    void servesThePageScript() throws Exception {
        HttpResponse<String> response = get("/app.js");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("text/javascript; charset=utf-8");
    }

    @Test
    void pageLoadsNothingFromOtherHosts() throws Exception {
        for (String file : new String[] {"/", "/app.js", "/style.css"}) {
            assertThat(get(file).body()).as(file).doesNotContain("http://", "https://", "//cdn", "@import");
        }
    }

    @Test
    void genericClientCallsAddWithTheSpecExample() throws Exception {
        try (TextSocket socket = TextSocket.connect(server.port())) {
            socket.send(
                    "{\"source\":5,\"rpc\":{\"type\":\"request\",\"method\":\"add\",\"args\":[10,20],\"kwargs\":{}}}");

            RpcResponse response = rpcReply(socket.next());

            assertThat(response.error()).isNull();
            assertThat(response.response()).isEqualTo(30);
        }
    }

    @Test
    void addIsExactPastLongMaxValue() throws Exception {
        try (TextSocket socket = TextSocket.connect(server.port())) {
            assertThat(call(socket, "add", Long.MAX_VALUE, 1).response())
                    .isEqualTo(BigInteger.valueOf(Long.MAX_VALUE).add(BigInteger.ONE));
        }
    }

    @Test
    void addWithADecimalIsADouble() throws Exception {
        try (TextSocket socket = TextSocket.connect(server.port())) {
            assertThat(call(socket, "add", 1.5, 2).response()).isEqualTo(3.5);
        }
    }

    @Test
    void addWithTextIsInvalidParams() throws Exception {
        try (TextSocket socket = TextSocket.connect(server.port())) {
            RpcResponse response = call(socket, "add", 1, "two");

            assertThat(response.errorCode()).isEqualTo(RpcErrorCode.INVALID_PARAMS);
            assertThat(response.response()).isEqualTo("add(a, b) argument 'b': \"two\" (expected: Number)");
        }
    }

    @Test
    void echoReturnsTheValue() throws Exception {
        try (TextSocket socket = TextSocket.connect(server.port())) {
            Map<String, Object> value = Map.of("k", List.of(1, 2));

            assertThat(call(socket, "echo", value).response()).isEqualTo(value);
        }
    }

    @Test
    void genericClientGetsMethodNotFound() throws Exception {
        try (TextSocket socket = TextSocket.connect(server.port())) {
            socket.send("{\"source\":5,\"rpc\":{\"type\":\"request\",\"method\":\"nope\",\"args\":[],"
                    + "\"kwargs\":{},\"call_id\":\"c1\"}}");

            RpcResponse response = rpcReply(socket.next());

            assertThat(response.callId()).isEqualTo("c1");
            assertThat(response.errorCode()).isEqualTo(RpcErrorCode.METHOD_NOT_FOUND);
            assertThat(response.response()).isEqualTo("RPC method 'nope' not found.");
            assertThat(response.isEnd()).isTrue();
        }
    }

    @Test
    void genericClientIsToldItIsGeneric() throws Exception {
        try (TextSocket socket = TextSocket.connect(server.port())) {
            socket.send(
                    "{\"source\":5,\"rpc\":{\"type\":\"request\",\"method\":\"whoami\",\"args\":[],\"kwargs\":{}}}");

            RpcResponse response = rpcReply(socket.next());

            assertThat(response.response())
                    .asInstanceOf(InstanceOfAssertFactories.map(String.class, Object.class))
                    .containsEntry("client_type", "GENERIC")
                    .containsKey("session_id")
                    .doesNotContainKey("username");
        }
    }

    @Test
    void whoamiShowsTheUsernameAfterLogin() throws Exception {
        try (TextSocket socket = TextSocket.connect(server.port())) {
            assertThat(call(socket, "login", "ada").response()).isEqualTo("Logged in as ada.");

            assertThat(call(socket, "whoami").response())
                    .asInstanceOf(InstanceOfAssertFactories.map(String.class, Object.class))
                    .containsEntry("username", "ada");
        }
    }

    @Test
    void countStreamsOneToNInOrder() throws Exception {
        try (TextSocket socket = TextSocket.connect(server.port())) {
            String callId = send(socket, "count", 5);

            List<Object> items = new ArrayList<>();
            RpcResponse reply;
            while (!(reply = rpcReply(socket.next())).isEnd()) {
                assertThat(reply.callId()).isEqualTo(callId);
                assertThat(reply.isStream()).isTrue();
                items.add(reply.response());
            }

            assertThat(items).containsExactly(1, 2, 3, 4, 5);
            assertThat(reply.isStream()).isTrue();
            assertThat(reply.error()).isNull();
        }
    }

    @Test
    void countBeyondTheCapIsAnApplicationErrorThatEndsTheStream() throws Exception {
        try (TextSocket socket = TextSocket.connect(server.port())) {
            RpcResponse reply = call(socket, "count", 1001);

            assertThat(reply.errorCode()).isEqualTo(RpcErrorCode.APPLICATION_ERROR);
            assertThat(reply.response()).isEqualTo("count(n): 1001 (expected: 1 to 1000)");
            assertThat(reply.isStream()).isTrue();
            assertThat(reply.isEnd()).isTrue();
        }
    }

    @Test
    void abortStopsACount() throws Exception {
        try (TextSocket socket = TextSocket.connect(server.port())) {
            String aborted = send(socket, "count", 1000);
            assertThat(rpcReply(socket.next()).response()).isEqualTo(1);

            socket.send(json(Packet.rpc(RpcRequest.abort(aborted, "abort-1"))));
            String witness = send(socket, "count", 3);

            // Both counts tick on one thread every 150 ms, so had the abort failed, items 2 and 3 of the first
            // would come before the end of the second. One item may have been on its way when the abort arrived.
            List<RpcResponse> afterAbort = new ArrayList<>();
            RpcResponse reply;
            while (!(reply = rpcReply(socket.next())).callId().equals(witness) || !reply.isEnd()) {
                if (reply.callId().equals(aborted)) {
                    afterAbort.add(reply);
                }
            }
            assertThat(afterAbort)
                    .hasSizeLessThanOrEqualTo(1)
                    .allSatisfy(item -> assertThat(item.response()).isEqualTo(2));
        }
    }

    @Test
    void loginRefusesAnEmptyOrLongName() throws Exception {
        try (TextSocket socket = TextSocket.connect(server.port())) {
            RpcResponse empty = call(socket, "login", "");
            RpcResponse tooLong = call(socket, "login", "x".repeat(33));

            assertThat(empty.errorCode()).isEqualTo(RpcErrorCode.APPLICATION_ERROR);
            assertThat(empty.response()).isEqualTo("login(name): \"\" (expected: 1 to 32 characters, not all blank)");
            assertThat(tooLong.errorCode()).isEqualTo(RpcErrorCode.APPLICATION_ERROR);
            assertThat(call(socket, "secret").errorCode()).isEqualTo(RpcErrorCode.ACCESS_DENIED);
        }
    }

    @Test
    void secretIsDeniedBeforeLogin() throws Exception {
        try (TextSocket socket = TextSocket.connect(server.port())) {
            RpcResponse reply = call(socket, "secret");

            assertThat(reply.errorCode()).isEqualTo(RpcErrorCode.ACCESS_DENIED);
            assertThat(reply.response()).isEqualTo("Access denied for RPC method 'secret'.");
        }
    }

    @Test
    void secretAnswersAfterLogin() throws Exception {
        try (TextSocket socket = TextSocket.connect(server.port())) {
            call(socket, "login", "ada");

            RpcResponse reply = call(socket, "secret");

            assertThat(reply.error()).isNull();
            assertThat(reply.response()).isEqualTo("Welcome, ada: the secret is 42.");
        }
    }

    @Test
    void limitedRefusesTheFourthCallWithinTenSeconds() throws Exception {
        try (TextSocket socket = TextSocket.connect(server.port())) {
            for (int i = 0; i < 3; i++) {
                assertThat(call(socket, "limited").error()).as("call %d", i + 1).isNull();
            }

            RpcResponse fourth = call(socket, "limited");

            assertThat(fourth.errorCode()).isEqualTo(RpcErrorCode.RATE_LIMIT_EXCEEDED);
            assertThat(fourth.response()).isEqualTo("Rate limit exceeded for RPC method 'limited'.");
        }
    }

    @Test
    void failAppIsAnApplicationError() throws Exception {
        try (TextSocket socket = TextSocket.connect(server.port())) {
            RpcResponse reply = call(socket, "fail", "app");

            assertThat(reply.errorCode()).isEqualTo(RpcErrorCode.APPLICATION_ERROR);
            assertThat(reply.response()).isEqualTo("This went wrong on purpose (kind: app).");
        }
    }

    @Test
    void failCrashIsAnInternalServerErrorAndTheSessionStaysOpen() throws Exception {
        try (TextSocket socket = TextSocket.connect(server.port())) {
            RpcResponse reply = call(socket, "fail", "crash");

            assertThat(reply.errorCode()).isEqualTo(RpcErrorCode.INTERNAL_SERVER_ERROR);
            assertThat(reply.response())
                    .isEqualTo("Server error (IllegalStateException): a deliberate crash (kind: crash)");
            assertThat(call(socket, "echo", "still here").response()).isEqualTo("still here");
        }
    }

    @Test
    void joinReturnsTheSortedSubscriptions() throws Exception {
        try (TextSocket socket = TextSocket.connect(server.port())) {
            call(socket, "join", "room.b");

            assertThat(call(socket, "join", "room.*").response()).isEqualTo(List.of("room.*", "room.b"));
            assertThat(call(socket, "leave", "room.b").response()).isEqualTo(List.of("room.*"));
        }
    }

    @Test
    void joinWithAMalformedPatternIsAnApplicationError() throws Exception {
        try (TextSocket socket = TextSocket.connect(server.port())) {
            RpcResponse reply = call(socket, "join", "room.[ab");

            assertThat(reply.errorCode()).isEqualTo(RpcErrorCode.APPLICATION_ERROR);
            assertThat(reply.response()).isEqualTo("pattern: room.[ab (expected: the '[' at index 5 closed by a ']')");
        }
    }

    @Test
    void joinPastTheLimitIsAnApplicationError() throws Exception {
        try (TextSocket socket = TextSocket.connect(server.port())) {
            for (int i = 0; i < DemoServer.MAX_SUBSCRIBED_CHANNELS; i++) {
                assertThat(call(socket, "join", "room." + i).error()).isNull();
            }

            RpcResponse reply = call(socket, "join", "one.more");

            assertThat(reply.errorCode()).isEqualTo(RpcErrorCode.APPLICATION_ERROR);
            assertThat(reply.response())
                    .isEqualTo("Cannot join 'one.more': the limit is 20 channels; leave one first.");
        }
    }

    @Test
    void sayReachesAnotherClientThatJoinedAndNotAfterItLeft() throws Exception {
        try (TextSocket alice = TextSocket.connect(server.port());
                TextSocket bob = TextSocket.connect(server.port())) {
            call(alice, "join", "lobby");
            String bobId = (String) asMap(call(bob, "whoami").response()).get("session_id");

            assertThat(call(bob, "say", "lobby", "hello").response()).isEqualTo(1);
            Packet message = decode(alice.next());
            assertThat(message.source()).isEqualTo(PacketSource.CHANNEL);
            assertThat(message.channel()).isEqualTo("lobby");
            assertThat(message.data()).isEqualTo(Map.of("from", bobId, "text", "hello"));

            call(alice, "leave", "lobby");
            assertThat(call(bob, "say", "lobby", "anyone?").response()).isEqualTo(0);
            assertThat(call(alice, "echo", "next").response()).isEqualTo("next");
        }
    }

    @Test
    void sayComesFromTheUsernameAndReachesPatterns() throws Exception {
        try (TextSocket alice = TextSocket.connect(server.port());
                TextSocket bob = TextSocket.connect(server.port())) {
            call(alice, "join", "room.*");
            call(bob, "login", "bob");

            assertThat(call(bob, "say", "room.kitchen", "dinner").response()).isEqualTo(1);

            Packet message = decode(alice.next());
            assertThat(message.channel()).isEqualTo("room.kitchen");
            assertThat(message.data()).isEqualTo(Map.of("from", "bob", "text", "dinner"));
        }
    }

    @Test
    void sayToAPatternIsAnApplicationError() throws Exception {
        try (TextSocket socket = TextSocket.connect(server.port())) {
            RpcResponse reply = call(socket, "say", "room.*", "hi");

            assertThat(reply.errorCode()).isEqualTo(RpcErrorCode.APPLICATION_ERROR);
            assertThat(reply.response()).asString().contains("room.*");
        }
    }

    @Test
    void customPacketComesBack() throws Exception {
        try (TextSocket socket = TextSocket.connect(server.port())) {
            socket.send("{\"source\":4,\"data\":{\"text\":\"hi\"}}");

            Packet echoed = decode(socket.next());

            assertThat(echoed.source()).isEqualTo(PacketSource.CUSTOM);
            assertThat(echoed.data()).isEqualTo(Map.of("text", "hi"));
        }
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Sends a request for {@code method} and returns its call id. */
    private static String send(TextSocket socket, String method, Object... args) throws Exception {
        String callId = "c" + nextCallId.incrementAndGet();
        socket.send(json(Packet.rpc(RpcRequest.of(method, callId, args))));
        return callId;
    }

    /** Calls {@code method} and returns the reply, which must be the next message. */
    private static RpcResponse call(TextSocket socket, String method, Object... args) throws Exception {
        String callId = send(socket, method, args);
        RpcResponse reply = rpcReply(socket.next());
        assertThat(reply.callId()).isEqualTo(callId);
        return reply;
    }

    private static String json(Packet packet) {
        return new String(PacketCodecs.json().encode(packet), StandardCharsets.UTF_8);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object value) {
        assertThat(value).isInstanceOf(Map.class);
        return (Map<String, Object>) value;
    }

    private static Packet decode(String json) {
        return PacketCodecs.json().decode(json.getBytes(StandardCharsets.UTF_8));
    }

    private static RpcResponse rpcReply(String json) {
        Packet packet = decode(json);
        assertThat(packet.source()).as(json).isEqualTo(PacketSource.RPC);
        assertThat(packet.response()).as(json).isNotNull();
        return packet.response();
    }
}
