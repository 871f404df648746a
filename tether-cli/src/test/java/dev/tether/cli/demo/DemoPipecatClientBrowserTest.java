package dev.tether.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.tether.server.TetherServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * pipecat's own browser client ({@code @pipecat-ai/client-js} 1.13 with {@code @pipecat-ai/websocket-transport} 1.7
 * and its {@code WavMediaManager}) against the demo's echo bot at {@code /ws-client}, in headless Chromium with a fake
 * microphone: {@code connect()} resolves on RTVI bot-ready and the echoed audio reaches the client's player.
 *
 * <p>The packages are in {@code src/test/js} ({@code package-lock.json}); {@code scripts/ensure-services.sh browser}
 * runs {@code npm ci} there when {@code node_modules} is missing. This test bundles {@code pipecat-client.js} with
 * that esbuild into {@code target/pipecat-client/} and serves it from a loopback HTTP server. Without the packages or
 * the browser it is skipped, or fails with {@code -Dtether.requireBrowser=true}.
 */
class DemoPipecatClientBrowserTest {
    private static final Path OUT = Path.of("target", "pipecat-client");
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final Map<String, String> TYPES = Map.of(
            "pipecat-client.html", "text/html; charset=utf-8",
            "pipecat-client.bundle.js", "text/javascript; charset=utf-8");

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

    @Test
    void pipecatClientConnectsAndReceivesTheEcho(@TempDir Path profile) throws Exception {
        HeadlessChromium.assumeInstalled();
        PipecatPages.assumePackagesInstalled();
        PipecatPages.bundle("pipecat-client");
        server = DemoServer.create("127.0.0.1", 0).start();
        pages = servePages();
        driver = HeadlessChromium.start(profile);
        WebDriverWait wait = new WebDriverWait(driver, TIMEOUT);

        driver.get("http://127.0.0.1:" + pages.getAddress().getPort() + "/pipecat-client.html?ws=ws://127.0.0.1:"
                + server.port() + DemoServer.VOICE_CLIENT_PATH);

        WebElement body = driver.findElement(By.tagName("body"));
        wait.until(d -> !"pending".equals(body.getAttribute("data-connect")));
        assertThat(body.getAttribute("data-connect"))
                .as(driver.findElement(By.id("log")).getText())
                .isEqualTo("resolved");
        assertThat(body.getAttribute("data-bot-version")).isEqualTo("2.1.0");
        wait.until(d -> Integer.parseInt(body.getAttribute("data-frames-received")) >= 10);
        wait.until(d -> String.valueOf(body.getAttribute("data-server-message")).startsWith("echoing"));
        assertThat(body.getAttribute("data-error")).isNull();
    }

    /** Serves the page and its bundle from {@code target/pipecat-client/} on loopback. */
    private static HttpServer servePages() throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
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
