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
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The WebRTC page in headless Chromium with a fake microphone: Connect posts the browser's own offer to
 * {@code /api/offer}, the data channel carries RTVI to bot-ready and the greeting, and the echo comes back on the
 * peer connection's audio track. Leaves a screenshot in {@code target/webrtc-page.png}.
 */
class DemoWebRtcPageBrowserTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private TetherServer server;
    private ChromeDriver driver;

    @AfterEach
    void stop() {
        HeadlessChromium.quitThenClose(driver, server);
    }

    @Test
    void connectReachesTheBotAndPlaysTheEcho(@TempDir Path profile) throws Exception {
        HeadlessChromium.assumeInstalled();
        server = DemoServer.create("127.0.0.1", 0).start();
        driver = HeadlessChromium.start(profile);
        driver.manage().window().setSize(new Dimension(900, 900));
        WebDriverWait wait = new WebDriverWait(driver, TIMEOUT);
        driver.get("http://127.0.0.1:" + server.port() + "/webrtc.html");

        driver.findElement(By.id("connect")).click();

        WebElement section = driver.findElement(By.id("webrtc"));
        wait.until(d -> {
            String state = section.getAttribute("data-state");
            return "bot ready".equals(state) || "failed".equals(state) || "closed".equals(state);
        });
        assertThat(section.getAttribute("data-state"))
                .as(driver.findElement(By.id("webrtc-detail")).getText())
                .isEqualTo("bot ready");
        assertThat(section.getAttribute("data-pc-id")).isNotBlank();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("bot-messages"), "Hello! Say something"));
        wait.until(d -> Double.parseDouble(section.getAttribute("data-mic-peak")) > 0);
        wait.until(d -> Double.parseDouble(section.getAttribute("data-echo-peak")) > 0);
        assertThat(driver.findElement(By.id("channel-state")).getText()).isEqualTo("open");
        assertThat(driver.findElement(By.id("ice-state")).getText()).isIn("connected", "completed");

        // For the picture: both meters showing a level at once.
        wait.until(d -> level("mic-level") > 0.01 && level("echo-level") > 0.01);
        Path screenshot = Path.of("target", "webrtc-page.png");
        Files.createDirectories(screenshot.getParent());
        Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), screenshot, StandardCopyOption.REPLACE_EXISTING);

        driver.findElement(By.id("disconnect")).click();
        wait.until(ExpectedConditions.textToBe(By.id("webrtc-state"), "idle"));
        assertThat(driver.findElement(By.id("connect")).isEnabled()).isTrue();
    }

    private double level(String meter) {
        return Double.parseDouble(driver.findElement(By.id(meter)).getDomProperty("value"));
    }
}
