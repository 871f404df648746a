package dev.tether.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import dev.tether.server.TetherServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The demo page in headless Chromium against a demo that requires tokens ({@code tether serve --jwt-secret}): with
 * {@code ?token=} in its address the page connects as the token's subject; without, the server refuses the upgrade
 * and the page says it cannot connect.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DemoTokenBrowserTest {
    private static final byte[] SECRET = "the-demo-secret-of-at-least-32-bytes".getBytes(StandardCharsets.UTF_8);

    private TetherServer server;
    private WebDriver driver;
    private WebDriverWait wait;

    @BeforeAll
    void start(@TempDir Path profile) {
        HeadlessChromium.assumeInstalled();
        server = DemoServer.create(DemoServer.requireTokens(
                        DemoServer.settings().host("127.0.0.1").port(0), SECRET))
                .start();
        driver = HeadlessChromium.start(profile);
        wait = new WebDriverWait(driver, Duration.ofSeconds(15));
    }

    @AfterAll
    void stop() {
        HeadlessChromium.quitThenClose(driver, server);
    }

    @Test
    void withATokenThePageConnectsAsItsSubject() {
        String token = JWT.create()
                .withSubject("ada")
                .withExpiresAt(Instant.now().plusSeconds(300))
                .sign(Algorithm.HMAC256(SECRET));

        driver.get("http://127.0.0.1:" + server.port() + "/?token=" + token);
        wait.until(ExpectedConditions.textToBe(By.id("state"), "connected"));
        driver.findElement(By.id("whoami-call")).click();

        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("whoami-result"), "\"subject\""));
        assertThat(driver.findElement(By.id("whoami-result")).getText()).contains("ada");
        assertThat(driver.findElement(By.id("url")).getText())
                .endsWith("/?token=…")
                .doesNotContain(token);
    }

    @Test
    void withoutATokenThePageCannotConnect() {
        driver.get("http://127.0.0.1:" + server.port() + "/");

        // The page shows each failed attempt (the client tries five times before it gives up).
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("state-detail"), "attempt 1 failed"));
        assertThat(driver.findElement(By.id("state")).getText()).isNotEqualTo("connected");
        assertThat(server.connectionCount()).isZero();
    }
}
