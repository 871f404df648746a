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
 * The voice page in headless Chromium with a fake microphone: Talk streams it to the echo bot at {@code /ws-client},
 * the meters move and the echo comes back. Leaves a screenshot in {@code target/voice-page.png}.
 */
class DemoVoicePageBrowserTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private TetherServer server;
    private ChromeDriver driver;

    @AfterEach
    void stop() {
        HeadlessChromium.quitThenClose(driver, server);
    }

    @Test
    void talkSendsTheMicrophoneAndPlaysTheEcho(@TempDir Path profile) throws Exception {
        HeadlessChromium.assumeInstalled();
        server = DemoServer.create("127.0.0.1", 0).start();
        driver = HeadlessChromium.start(profile);
        driver.manage().window().setSize(new Dimension(900, 1000));
        WebDriverWait wait = new WebDriverWait(driver, TIMEOUT);
        driver.get("http://127.0.0.1:" + server.port() + "/voice.html");

        driver.findElement(By.id("talk")).click();

        wait.until(ExpectedConditions.textToBe(By.id("voice-state"), "talking"));
        WebElement voice = driver.findElement(By.id("voice"));
        wait.until(d -> Double.parseDouble(voice.getAttribute("data-mic-peak")) > 0);
        wait.until(d -> Integer.parseInt(voice.getAttribute("data-frames-received")) >= 10);
        wait.until(d -> Double.parseDouble(voice.getAttribute("data-echo-peak")) > 0);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("bot-messages"), "echoing 1.0 s"));
        assertThat(driver.findElement(By.id("bot-messages")).getText()).contains("Hello! Say something");
        assertThat(Integer.parseInt(voice.getAttribute("data-frames-sent"))).isGreaterThanOrEqualTo(10);

        // For the picture: both meters showing a level at once.
        wait.until(d -> level("mic-level") > 0.01 && level("echo-level") > 0.01);
        Path screenshot = Path.of("target", "voice-page.png");
        Files.createDirectories(screenshot.getParent());
        Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), screenshot, StandardCopyOption.REPLACE_EXISTING);

        driver.findElement(By.id("talk")).click();
        wait.until(ExpectedConditions.textToBe(By.id("voice-state"), "idle"));
    }

    private double level(String meter) {
        return Double.parseDouble(driver.findElement(By.id(meter)).getDomProperty("value"));
    }
}
