package dev.tether.cli.demo;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tether.server.TetherServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The admin page in headless Chromium: it refuses a wrong token, then shows live counters that follow the server. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminPageBrowserTest {
    private static final String TOKEN = "correct-horse-battery";

    private TetherServer server;
    private WebDriver driver;
    private WebDriverWait wait;

    @BeforeAll
    void start(@TempDir Path profile) {
        if (!Files.isExecutable(HeadlessChromium.CHROMIUM) || !Files.isExecutable(HeadlessChromium.CHROMEDRIVER)) {
            if (Boolean.getBoolean("tether.requireBrowser")) {
                fail(HeadlessChromium.MISSING + "; -Dtether.requireBrowser=true forbids skipping");
            }
            return;
        }
        server = DemoServer.create(
                        DemoServer.admin(DemoServer.settings().host("127.0.0.1").port(0), TOKEN))
                .start();
        driver = HeadlessChromium.start(profile);
        wait = new WebDriverWait(driver, Duration.ofSeconds(15));
    }

    @AfterAll
    void stop() {
        HeadlessChromium.quitThenClose(driver, server);
    }

    @Test
    void aWrongTokenIsRefusedAndTheRightOneShowsLiveCounters() throws Exception {
        assumeTrue(server != null, HeadlessChromium.MISSING);
        driver.get("http://127.0.0.1:" + server.port() + "/admin");

        driver.findElement(By.id("token")).sendKeys("not-the-token-at-all");
        driver.findElement(By.id("token-use")).click();
        wait.until(ExpectedConditions.textToBe(By.id("status"), "token refused"));

        driver.findElement(By.id("token")).clear();
        driver.findElement(By.id("token")).sendKeys(TOKEN);
        driver.findElement(By.id("token-use")).click();
        wait.until(ExpectedConditions.textToBe(By.id("status"), "live, every 2 s"));
        wait.until(ExpectedConditions.textToBe(By.id("connections-open"), "0"));

        try (TextSocket client = TextSocket.connect(server.port())) {
            client.send("{\"source\":5,\"rpc\":{\"type\":\"request\",\"method\":\"add\",\"args\":[1,2],\"kwargs\":{},"
                    + "\"call_id\":\"a\"}}");
            client.next();
            wait.until(ExpectedConditions.textToBe(By.id("connections-open"), "1"));
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("rpc-table"), "ok"));
        }
        wait.until(ExpectedConditions.textToBe(By.id("connections-open"), "0"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("closed-table"), "1000"));
    }
}
