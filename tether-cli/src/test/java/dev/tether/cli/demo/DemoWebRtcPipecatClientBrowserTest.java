package dev.tether.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import dev.tether.server.TetherServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * pipecat's own browser client ({@code @pipecat-ai/client-js} 1.13 with {@code @pipecat-ai/small-webrtc-transport}
 * 1.10 and its {@code WavMediaManager}) against the demo's echo bot at {@code /api/offer}, in headless Chromium with a
 * fake microphone: {@code connect()} resolves on RTVI bot-ready over the data channel and the echo arrives on the
 * bot's audio track with a non-zero level.
 *
 * <p>The packages are in {@code src/test/js} ({@code package-lock.json}); {@code scripts/ensure-services.sh browser}
 * runs {@code npm ci} there. This test bundles {@code pipecat-webrtc-client.js} with that esbuild into
 * {@code target/pipecat-webrtc-client/} and serves it from a loopback HTTP server. Without the packages or the browser
 * it is skipped, or fails with {@code -Dtether.requireBrowser=true}.
 */
class DemoWebRtcPipecatClientBrowserTest {
    private static final Path JS = Path.of("src", "test", "js");
    private static final Path ESBUILD = JS.resolve("node_modules/.bin/esbuild");
    private static final Path OUT = Path.of("target", "pipecat-webrtc-client");
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final Map<String, String> TYPES = Map.of(
            "pipecat-webrtc-client.html", "text/html; charset=utf-8",
            "pipecat-webrtc-client.bundle.js", "text/javascript; charset=utf-8");

    private TetherServer server;
    private HttpServer pages;
    private ChromeDriver driver;

    @AfterEach
    void stop() {
        try {
            if (driver != null) {
                driver.quit();
            }
        } finally {
            if (pages != null) {
                pages.stop(0);
            }
            if (server != null) {
                server.close();
            }
        }
    }

    @Disabled("unfinished: connect() rejects with 'Offer request failed: TypeError: Failed to fetch' before the"
            + " offer reaches the loopback proxy; not yet diagnosed")
    @Test
    void pipecatClientConnectsOverWebRtcAndReceivesTheEcho(@TempDir Path profile) throws Exception {
        HeadlessChromium.assumeInstalled();
        assumePackagesInstalled();
        bundle();
        server = DemoServer.create("127.0.0.1", 0).start();
        pages = servePages(server.port());
        driver = HeadlessChromium.start(profile);
        WebDriverWait wait = new WebDriverWait(driver, TIMEOUT);

        driver.get("http://127.0.0.1:" + pages.getAddress().getPort()
                + "/pipecat-webrtc-client.html?offer=http://127.0.0.1:" + server.port() + DemoServer.WEBRTC_OFFER_PATH);

        WebElement body = driver.findElement(By.tagName("body"));
        wait.until(d -> !"pending".equals(body.getAttribute("data-connect")));
        assertThat(body.getAttribute("data-connect"))
                .as(driver.findElement(By.id("log")).getText())
                .isEqualTo("resolved");
        wait.until(d -> String.valueOf(body.getAttribute("data-server-message")).startsWith("echoing"));
        assertThat(body.getAttribute("data-bot-audio-track")).isEqualTo("live");
        wait.until(d -> Double.parseDouble(body.getAttribute("data-bot-audio-peak")) > 0);
        assertThat(body.getAttribute("data-error")).isNull();
    }

    private static void assumePackagesInstalled() {
        boolean installed = Files.isExecutable(ESBUILD);
        String missing = "The pipecat client test needs " + JS
                + "/node_modules (run scripts/ensure-services.sh browser," + " or npm ci in " + JS + ")";
        if (!installed && Boolean.getBoolean("tether.requireBrowser")) {
            fail(missing + "; -Dtether.requireBrowser=true forbids skipping");
        }
        assumeTrue(installed, missing);
    }

    /** Bundles the test page's script with the project's esbuild. */
    private static void bundle() throws IOException, InterruptedException {
        Files.createDirectories(OUT);
        Files.copy(
                JS.resolve("pipecat-webrtc-client.html"),
                OUT.resolve("pipecat-webrtc-client.html"),
                StandardCopyOption.REPLACE_EXISTING);
        Process esbuild = new ProcessBuilder(
                        ESBUILD.toString(),
                        JS.resolve("pipecat-webrtc-client.js").toString(),
                        "--bundle",
                        "--format=iife",
                        "--log-level=warning",
                        "--outfile=" + OUT.resolve("pipecat-webrtc-client.bundle.js"))
                .redirectErrorStream(true)
                .redirectOutput(OUT.resolve("esbuild.log").toFile())
                .start();
        if (!esbuild.waitFor(60, TimeUnit.SECONDS)) {
            esbuild.destroyForcibly();
            fail("esbuild took more than 60 s; see " + OUT.resolve("esbuild.log"));
        }
        assertThat(esbuild.exitValue())
                .as(Files.readString(OUT.resolve("esbuild.log")))
                .isZero();
    }

    /**
     * Serves the page and its bundle from {@code target/pipecat-webrtc-client/} on loopback, and passes
     * {@code /api/offer} on to the demo server: the transport fetches the offer URL, which must be the page's origin
     * because the demo server sends no CORS headers.
     */
    private static HttpServer servePages(int demoPort) throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        HttpClient client =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        http.createContext(DemoServer.WEBRTC_OFFER_PATH, exchange -> {
            try {
                HttpRequest request = HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + demoPort + exchange.getRequestURI()))
                        .header("Content-Type", "application/json")
                        .method(
                                exchange.getRequestMethod(),
                                HttpRequest.BodyPublishers.ofByteArray(
                                        exchange.getRequestBody().readAllBytes()))
                        .build();
                HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
                byte[] body = response.body();
                exchange.getResponseHeaders()
                        .set(
                                "Content-Type",
                                response.headers().firstValue("Content-Type").orElse("application/json"));
                exchange.sendResponseHeaders(response.statusCode(), body.length == 0 ? -1 : body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            } catch (InterruptedException | IOException | RuntimeException e) {
                exchange.sendResponseHeaders(502, -1);
            } finally {
                exchange.close();
            }
        });
        http.createContext("/", exchange -> {
            String name = exchange.getRequestURI().getPath().substring(1);
            String type = TYPES.get(name);
            byte[] body =
                    type == null ? "not found".getBytes(StandardCharsets.UTF_8) : Files.readAllBytes(OUT.resolve(name));
            exchange.getResponseHeaders().set("Content-Type", type == null ? "text/plain" : type);
            exchange.sendResponseHeaders(type == null ? 404 : 200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
            exchange.close();
        });
        http.start();
        return http;
    }
}
