package dev.tether.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tether.server.TetherServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The demo's admin page over real HTTP: off without a token, its stats behind the token, counting what happened. */
class AdminPageTest {
    private static final String TOKEN = "correct-horse-battery";
    private static final HttpClient http = HttpClient.newHttpClient();
    private static final ObjectMapper json = new ObjectMapper();

    private TetherServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void withoutATokenThereIsNoAdminPage() throws Exception {
        server = DemoServer.create("127.0.0.1", 0).start();

        assertThat(get("/admin", null).statusCode()).isEqualTo(404);
        assertThat(get("/admin/stats", null).statusCode()).isEqualTo(404);
    }

    @Test
    void thePageIsServedAndItsStatsNeedTheToken() throws Exception {
        start();

        HttpResponse<String> page = get("/admin", null);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<title>Tether admin</title>");
        assertThat(get("/admin/admin.js", null).statusCode()).isEqualTo(200);

        HttpResponse<String> none = get("/admin/stats", null);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("www-authenticate")).hasValue("Bearer");
        assertThat(none.body()).contains("missing or wrong token");
        assertThat(get("/admin/stats", "Bearer " + TOKEN + "x").statusCode()).isEqualTo(401);
        assertThat(get("/admin/stats", TOKEN).statusCode()).isEqualTo(401);
        assertThat(get("/admin/stats", "Bearer " + TOKEN).statusCode()).isEqualTo(200);
    }

    @Test
    void statsCountTheConnectionsAndCallsThatHappened() throws Exception {
        start();

        try (TextSocket client = TextSocket.connect(server.port())) {
            client.send("{\"source\":5,\"rpc\":{\"type\":\"request\",\"method\":\"add\",\"args\":[1,2],\"kwargs\":{},"
                    + "\"call_id\":\"a\"}}");
            assertThat(client.next()).contains("\"response\":3");
            client.send("{\"source\":5,\"rpc\":{\"type\":\"request\",\"method\":\"nope\",\"args\":[],\"kwargs\":{},"
                    + "\"call_id\":\"b\"}}");
            assertThat(client.next()).contains("-32601");

            JsonNode stats =
                    json.readTree(get("/admin/stats", "Bearer " + TOKEN).body());

            assertThat(stats.path("connections").path("open").asLong()).isEqualTo(1);
            assertThat(stats.path("connections").path("opened").asLong()).isEqualTo(1);
            assertThat(stats.path("messages").path("received").path("json").asLong())
                    .isEqualTo(2);
            assertThat(stats.path("rpc").path("calls").asLong()).isEqualTo(2);
            assertThat(stats.path("rpc").path("byOutcome").path("ok").asLong()).isEqualTo(1);
            assertThat(stats.path("rpc")
                            .path("byOutcome")
                            .path("method_not_found")
                            .asLong())
                    .isEqualTo(1);
            assertThat(stats.path("brokerConnected").isNull()).isTrue();
        }
    }

    @Test
    void aShortTokenIsRefused() {
        assertThatThrownBy(() -> DemoServer.admin(DemoServer.settings(), "short"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("admin token: 5 characters (expected: at least 12; a guessable token guards nothing)");
    }

    private void start() {
        server = DemoServer.create(
                        DemoServer.admin(DemoServer.settings().host("127.0.0.1").port(0), TOKEN))
                .start();
    }

    private HttpResponse<String> get(String path, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
