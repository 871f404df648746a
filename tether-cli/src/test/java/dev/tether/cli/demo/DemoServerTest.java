package dev.tether.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.Packet;
import dev.tether.core.PacketCodecs;
import dev.tether.core.PacketSource;
import dev.tether.core.RpcErrorCode;
import dev.tether.core.RpcResponse;
import dev.tether.server.TetherServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The demo server over real sockets: the page over HTTP, and RPC calls from a generic (JSON) client. */
class DemoServerTest {
    private static final HttpClient http = HttpClient.newHttpClient();
    private static TetherServer server;

    @BeforeAll
    static void startServer() {
        server = DemoServer.builder().host("127.0.0.1").port(0).build().start();
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
                    .containsEntry("client_type", "GENERIC");
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
