package dev.tether.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.server.TetherServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
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
 * {@code target/pipecat-webrtc-client/}, which the demo server serves as its static directory (same origin as the offer
 * route). Without the packages or the browser
 * it is skipped, or fails with {@code -Dtether.requireBrowser=true}.
 */
class DemoWebRtcPipecatClientBrowserTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private TetherServer server;
    private ChromeDriver driver;

    @AfterEach
    void stop() {
        HeadlessChromium.quitThenClose(driver, server);
    }

    @Test
    void pipecatClientConnectsOverWebRtcAndReceivesTheEcho(@TempDir Path profile) throws Exception {
        HeadlessChromium.assumeInstalled();
        PipecatPages.assumePackagesInstalled();
        Path pages = PipecatPages.bundle("pipecat-webrtc-client");
        // The page comes from the demo server itself, so the offer is a same-origin request (the routes send no CORS
        // headers): the bundle's folder is the server's static directory, checked before the demo's own pages.
        server = DemoServer.create(
                        DemoServer.settings().host("127.0.0.1").port(0).staticDirectory(pages.toAbsolutePath()))
                .start();
        driver = HeadlessChromium.start(profile);
        WebDriverWait wait = new WebDriverWait(driver, TIMEOUT);
        String origin = "http://127.0.0.1:" + server.port();

        driver.get(origin + "/pipecat-webrtc-client.html?offer=" + origin + DemoServer.WEBRTC_OFFER_PATH);

        WebElement body = driver.findElement(By.tagName("body"));
        wait.until(d -> !"pending".equals(body.getAttribute("data-connect")));
        assertThat(body.getAttribute("data-connect"))
                .as(driver.findElement(By.id("log")).getText())
                .isEqualTo("resolved");
        wait.until(d -> String.valueOf(body.getAttribute("data-server-message")).startsWith("echoing"));
        wait.until(d -> body.getAttribute("data-bot-audio-track") != null);
        assertThat(body.getAttribute("data-bot-audio-track"))
                .as(driver.findElement(By.id("log")).getText())
                .isEqualTo("live");
        wait.until(d -> Double.parseDouble(body.getAttribute("data-bot-audio-peak")) > 0);
        assertThat(body.getAttribute("data-error")).isNull();
        Files.copy(
                driver.getScreenshotAs(OutputType.FILE).toPath(),
                pages.resolve("pipecat-webrtc-client.png"),
                StandardCopyOption.REPLACE_EXISTING);
    }
}
