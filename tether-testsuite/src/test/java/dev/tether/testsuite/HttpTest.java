package dev.tether.testsuite;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tether.server.HttpResponse;
import dev.tether.testing.HandshakeResponse;
import dev.tether.testing.RecordingHandler;
import dev.tether.testing.TestWebSocketClient;
import dev.tether.testing.TetherServerExtension;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Plain HTTP on the WebSocket port: {@code /health}, static files and application endpoints. */
class HttpTest {
    private static final String SECRET = "top secret, outside the static folder";

    @TempDir
    Path dir;

    final RecordingHandler handler = new RecordingHandler();

    @RegisterExtension
    final TetherServerExtension server = TetherServerExtension.of(b -> b.handler(handler)
            .staticDirectory(dir.resolve("static"))
            .httpEndpoint(
                    "/api/echo",
                    request -> CompletableFuture.completedFuture(HttpResponse.text(
                            200,
                            request.method() + " " + request.path() + " " + request.query() + " "
                                    + new String(request.body(), StandardCharsets.UTF_8))))
            .httpEndpoint(
                    "/tree/*",
                    request -> CompletableFuture.completedFuture(HttpResponse.text(200, "tree " + request.path())))
            .httpEndpoint(
                    "/tree/deep/*",
                    request -> CompletableFuture.completedFuture(HttpResponse.text(200, "deep " + request.path())))
            .httpEndpoint(
                    "/tree/exact",
                    request -> CompletableFuture.completedFuture(HttpResponse.text(200, "exact " + request.path())))
            .httpEndpoint(
                    "/api/broken", request -> CompletableFuture.failedFuture(new IllegalStateException("on purpose"))));

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void healthReportsStatusConnectionsAndUptime() throws Exception {
        try (TestWebSocketClient client = TestWebSocketClient.connect(server.uri())) {
            handler.awaitConnect();

            java.net.http.HttpResponse<String> response = get("/health");

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("content-type"))
                    .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
            JsonNode health = new ObjectMapper().readTree(response.body());
            assertThat(health.path("status").asText()).isEqualTo("UP");
            assertThat(health.path("connections").isInt()).as(response.body()).isTrue();
            assertThat(health.path("connections").asInt()).isEqualTo(1);
            assertThat(health.fieldNames())
                    .toIterable()
                    .as(response.body())
                    .anySatisfy(name -> assertThat(name).startsWith("uptime"));
        }
    }

    @Test
    void staticFileIsServedWithItsContentType() throws Exception {
        write("static/app.css", "body { color: red }");

        java.net.http.HttpResponse<String> response = get("/app.css");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("text/css"));
        assertThat(response.body()).isEqualTo("body { color: red }");
    }

    @Test
    void directoryPathServesItsIndexHtml() throws Exception {
        write("static/docs/index.html", "<h1>docs</h1>");

        java.net.http.HttpResponse<String> response = get("/docs/");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));
        assertThat(response.body()).isEqualTo("<h1>docs</h1>");
    }

    @Test
    void missingStaticFileIs404() throws Exception {
        write("static/present.txt", "here");

        assertThat(get("/absent.txt").statusCode()).isEqualTo(404);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "/../secret.txt",
                "/static/../secret.txt",
                "/%2e%2e/secret.txt",
                "/%2E%2E%2Fsecret.txt",
                "/..%2fsecret.txt",
                "/..\\secret.txt",
                "/%5c..%5csecret.txt",
                "//secret.txt"
            })
    void pathTraversalDoesNotLeaveTheStaticFolder(String path) throws Exception {
        write("secret.txt", SECRET);
        write("static/index.html", "index");

        HandshakeResponse response = TestWebSocketClient.exchange(
                server.uri(), "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");

        assertThat(response.status()).as(response.toString()).isIn(400, 403, 404);
        assertThat(response.bodyText()).doesNotContain(SECRET);
    }

    @Test
    void endpointAnswersItsPathWithTheRequest() throws Exception {
        java.net.http.HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(server.httpUri("/api/echo?name=tether"))
                        .timeout(Duration.ofSeconds(5))
                        .POST(HttpRequest.BodyPublishers.ofString("the body"))
                        .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("POST /api/echo {name=[tether]} the body");
    }

    @Test
    void failingEndpointAnswers500() throws Exception {
        assertThat(get("/api/broken").statusCode()).isEqualTo(500);
    }

    @Test
    void unknownPathIs404() throws Exception {
        assertThat(get("/nothing/here").statusCode()).isEqualTo(404);
    }

    @Test
    void aPrefixEndpointServesEveryPathBelowItTheLongestPrefixAndExactPathsFirst() throws Exception {
        assertThat(get("/tree/a/b").body()).isEqualTo("tree /tree/a/b");
        assertThat(get("/tree/").body()).isEqualTo("tree /tree/");
        assertThat(get("/tree/deep/x").body()).isEqualTo("deep /tree/deep/x");
        assertThat(get("/tree/exact").body()).isEqualTo("exact /tree/exact");
        assertThat(get("/tree").statusCode()).isEqualTo(404);
        assertThat(get("/treetop/a").statusCode()).isEqualTo(404);
    }

    private java.net.http.HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(server.httpUri(path))
                        .timeout(Duration.ofSeconds(5))
                        .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    private void write(String relative, String content) throws IOException {
        Path file = dir.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }
}
