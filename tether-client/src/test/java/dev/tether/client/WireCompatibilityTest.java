package dev.tether.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.ManualClock;
import dev.tether.core.Packet;
import dev.tether.core.PacketCodecs;
import dev.tether.core.RpcErrorCode;
import dev.tether.core.RpcRequest;
import dev.tether.core.WireFormat;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The client against the frames captured from the Python webshocket server (/work/shared/spec/wire-vectors.md):
 * its requests are the captured bytes apart from the call id, and it reads the server's frames, duplicates
 * included, played back by a scripted server with the client's call ids put in.
 */
class WireCompatibilityTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final String CAPTURED_ID = "606ad767e";

    // Section 3, client frames 0, 2 and 4 (call ids 606ad767e, 606ad76710, 606ad76712).
    private static final String ADD_REQUEST =
            "86a6736f7572636505a464617461c0a372706385a474797065a772657175657374a66d6574686f64a3616464a461726773920a14"
                    + "a66b776172677380a763616c6c5f6964a9363036616437363765a76368616e6e656cc0a974696d657374616d70c0ae"
                    + "636f7272656c6174696f6e5f6964c0";
    private static final String JOIN_REQUEST =
            "86a6736f7572636505a464617461c0a372706385a474797065a772657175657374a66d6574686f64a46a6f696ea46172677391"
                    + "a46e657773a66b776172677380a763616c6c5f6964aa36303661643736373130a76368616e6e656cc0a974696d6573"
                    + "74616d70c0ae636f7272656c6174696f6e5f6964c0";
    private static final String NO_SUCH_METHOD_REQUEST =
            "86a6736f7572636505a464617461c0a372706385a474797065a772657175657374a66d6574686f64ae6e6f5f737563685f6d65"
                    + "74686f64a46172677390a66b776172677380a763616c6c5f6964aa36303661643736373132a76368616e6e656cc0a974"
                    + "696d657374616d70c0ae636f7272656c6174696f6e5f6964c0";

    // Section 3, server frames 0 (add → 30), 3 (join → ["news"]), 4 (publish), 6 and 7 (error, then the duplicate).
    private static final String ADD_RESPONSE =
            "86a6736f7572636505a464617461c0a372706384a474797065a8726573706f6e7365a763616c6c5f6964a93630366164373637"
                    + "65a8726573706f6e73651ea56572726f72c0a76368616e6e656cc0a974696d657374616d70c0ae636f7272656c617469"
                    + "6f6e5f6964c0";
    private static final String JOIN_RESPONSE =
            "86a6736f7572636505a464617461c0a372706384a474797065a8726573706f6e7365a763616c6c5f6964aa3630366164373637"
                    + "3130a8726573706f6e736591a46e657773a56572726f72c0a76368616e6e656cc0a974696d657374616d70c0ae636f72"
                    + "72656c6174696f6e5f6964c0";
    private static final String PUBLISH =
            "86a6736f7572636502a464617461b168656c6c6f207375627363726962657273a3727063c0a76368616e6e656ca46e657773a9"
                    + "74696d657374616d70c0ae636f7272656c6174696f6e5f6964c0";
    private static final String NOT_FOUND_RESPONSE =
            "86a6736f7572636505a464617461c0a372706384a474797065a8726573706f6e7365a763616c6c5f6964aa3630366164373637"
                    + "3132a8726573706f6e7365d926525043206d6574686f6420276e6f5f737563685f6d6574686f6427206e6f7420666f75"
                    + "6e642ea56572726f72d180a7a76368616e6e656cc0a974696d657374616d70c0ae636f7272656c6174696f6e5f6964c0";
    private static final String NOT_FOUND_DUPLICATE =
            "86a6736f7572636505a464617461c0a372706384a474797065a8726573706f6e7365a763616c6c5f6964aa3630366164373637"
                    + "3132a8726573706f6e7365c0a56572726f72c0a76368616e6e656cc0a974696d657374616d70c0ae636f7272656c6174"
                    + "696f6e5f6964c0";

    private ScriptedServer server;
    private TetherClient client;

    @AfterEach
    void stop() throws Exception {
        if (client != null) {
            client.close().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        if (server != null) {
            server.close();
        }
    }

    private TetherClient connect(WireFormat format) throws Exception {
        client = TetherClient.create(TetherClientConfig.builder()
                .connection(ConnectionConfig.builder()
                        .uri(server.uri())
                        .clock(new ManualClock())
                        .heartbeatInterval(Duration.ZERO)
                        .build())
                .wireFormat(format)
                .build());
        client.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);
        return client;
    }

    /** The MessagePack bytes of {@code vectorHex} with the captured call id (a fixstr) replaced by {@code callId}. */
    private static byte[] withCallId(String vectorHex, String capturedId, String callId) {
        String captured = fixstr(capturedId);
        assertThat(vectorHex).contains(captured);
        return HEX.parseHex(vectorHex.replace(captured, fixstr(callId)));
    }

    private static String fixstr(String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        assertThat(bytes.length).isLessThan(32);
        return HEX.formatHex(new byte[] {(byte) (0xa0 | bytes.length)}) + HEX.formatHex(bytes);
    }

    private static String callIdOf(byte[] request) {
        RpcRequest decoded = PacketCodecs.msgpack().decode(request).request();
        assertThat(decoded).isNotNull();
        return decoded.callId();
    }

    @Test
    void requestsAreTheCapturedBytesApartFromTheCallId() throws Exception {
        server = ScriptedServer.start(WireFormat.SUBPROTOCOL);
        connect(WireFormat.MSGPACK);

        client.call("add", 10, 20);
        client.call("join", "news");
        client.call("no_such_method");

        byte[] add = server.takeBinary();
        byte[] join = server.takeBinary();
        byte[] noSuchMethod = server.takeBinary();
        assertThat(HEX.formatHex(add)).isEqualTo(HEX.formatHex(withCallId(ADD_REQUEST, CAPTURED_ID, callIdOf(add))));
        assertThat(HEX.formatHex(join))
                .isEqualTo(HEX.formatHex(withCallId(JOIN_REQUEST, "606ad76710", callIdOf(join))));
        assertThat(HEX.formatHex(noSuchMethod))
                .isEqualTo(HEX.formatHex(withCallId(NO_SUCH_METHOD_REQUEST, "606ad76712", callIdOf(noSuchMethod))));
    }

    @Test
    void theCapturedServerFramesAnswerTheCallsAndTheDuplicateIsIgnored() throws Exception {
        server = ScriptedServer.start(WireFormat.SUBPROTOCOL);
        server.onBinary((peer, bytes) -> {
            RpcRequest request = PacketCodecs.msgpack().decode(bytes).request();
            if (request == null) {
                return;
            }
            String id = request.callId();
            switch (request.method()) {
                case "add" -> peer.sendBinary(withCallId(ADD_RESPONSE, CAPTURED_ID, id));
                case "join" -> {
                    peer.sendBinary(withCallId(JOIN_RESPONSE, "606ad76710", id));
                    peer.sendBinary(HEX.parseHex(PUBLISH));
                }
                case "no_such_method" -> {
                    peer.sendBinary(withCallId(NOT_FOUND_RESPONSE, "606ad76712", id));
                    peer.sendBinary(withCallId(NOT_FOUND_DUPLICATE, "606ad76712", id));
                }
                default ->
                    peer.sendBinary(PacketCodecs.msgpack()
                            .encode(Packet.rpc(dev.tether.core.RpcResponse.result(
                                    id, request.args().get(0)))));
            }
        });
        connect(WireFormat.MSGPACK);
        BlockingQueue<Packet> news = new ArrayBlockingQueue<>(4);
        client.onChannel("news", news::add);

        assertThat(client.call("add", 10, 20).get(10, TimeUnit.SECONDS)).isEqualTo(30);
        assertThat(client.join("news").get(10, TimeUnit.SECONDS)).isEqualTo(List.of("news"));
        Packet published = news.poll(10, TimeUnit.SECONDS);
        assertThat(published.channel()).isEqualTo("news");
        assertThat(published.data()).isEqualTo("hello subscribers");
        CompletableFuture<Object> missing = client.call("no_such_method");
        Throwable error = failure(missing);
        assertThat(error).isInstanceOf(RpcErrorException.class).hasMessage("RPC method 'no_such_method' not found.");
        assertThat(((RpcErrorException) error).errorCode()).isEqualTo(RpcErrorCode.METHOD_NOT_FOUND);

        // The duplicate came before this answer; it was dropped, not queued for recv, and nothing waits.
        assertThat(client.call("echo", "after").get(10, TimeUnit.SECONDS)).isEqualTo("after");
        assertThat(client.pendingCalls()).isZero();
        assertThat(client.receive(Duration.ofSeconds(1)).toCompletableFuture().getNow(null))
                .isNull();
    }

    @Test
    void aGenericClientReadsThePythonServersJsonInBinaryFrames() throws Exception {
        server = ScriptedServer.start();
        server.onText((peer, text) -> {
            RpcRequest request = PacketCodecs.json()
                    .decode(text.getBytes(StandardCharsets.UTF_8))
                    .request();
            if (request == null) {
                return;
            }
            String id = request.callId();
            // Section 4, server frames 1 and 2, sent as the Python server sends them to generic clients: BINARY.
            peer.sendBinary(("{\"source\":5,\"data\":null,\"rpc\":{\"type\":\"response\",\"call_id\":\"" + id
                            + "\",\"response\":[\"news\"],\"error\":null},\"channel\":null,\"timestamp\":null,"
                            + "\"correlation_id\":null}")
                    .getBytes(StandardCharsets.UTF_8));
            peer.sendBinary(("{\"source\":2,\"data\":\"hi generic\",\"rpc\":null,\"channel\":\"news\","
                            + "\"timestamp\":null,\"correlation_id\":null}")
                    .getBytes(StandardCharsets.UTF_8));
        });
        connect(WireFormat.JSON);
        BlockingQueue<Packet> news = new ArrayBlockingQueue<>(4);
        client.onChannel("news", news::add);

        assertThat(client.join("news").get(10, TimeUnit.SECONDS)).isEqualTo(List.of("news"));

        assertThat(news.poll(10, TimeUnit.SECONDS).data()).isEqualTo("hi generic");
        Map<?, ?> sent = (Map<?, ?>) dev.tether.core.PacketCodecs.jsonMapper().readValue(server.takeText(), Map.class);
        assertThat(sent.get("source")).isEqualTo(5);
        assertThat(((Map<?, ?>) sent.get("rpc")).get("method")).isEqualTo("join");
    }

    private static Throwable failure(CompletableFuture<?> future) throws Exception {
        try {
            future.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        }
        throw new AssertionError("expected a failure");
    }
}
