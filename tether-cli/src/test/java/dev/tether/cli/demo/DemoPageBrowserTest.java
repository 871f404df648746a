package dev.tether.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tether.server.TetherServer;
import dev.tether.testing.fault.FaultProxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The demo page in Debian's headless Chromium, on the TypeScript client's browser bundle: it connects (MessagePack,
 * or JSON with {@code ?encoding=json}), calls the demo's methods, streams a count, chats with another client, and
 * recovers the chat after its connection drops.
 *
 * <p>Selenium drives {@code /usr/bin/chromium} through {@code /usr/bin/chromedriver} ({@link HeadlessChromium}) and
 * is given both paths, so Selenium Manager downloads nothing. Without them the tests are skipped, or fail when
 * {@code -Dtether.requireBrowser=true} (as {@code scripts/test.sh} runs them; its
 * {@code scripts/ensure-services.sh} installs Debian's {@code chromium} and {@code chromium-driver}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DemoPageBrowserTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(15);
    private static final String MISSING_BROWSER = HeadlessChromium.MISSING;

    private TetherServer server;
    private WebDriver driver;
    private WebDriverWait wait;

    @BeforeAll
    void startServerAndBrowser(@TempDir Path profile) {
        if (!browserInstalled()) {
            if (Boolean.getBoolean("tether.requireBrowser")) {
                fail(MISSING_BROWSER + "; -Dtether.requireBrowser=true forbids skipping");
            }
            return; // each test reports the skip
        }
        server = DemoServer.create("127.0.0.1", 0).start();
        driver = HeadlessChromium.start(profile);
        wait = new WebDriverWait(driver, TIMEOUT);
    }

    @AfterAll
    void stopBrowserAndServer() {
        HeadlessChromium.quitThenClose(driver, server);
    }

    @BeforeEach
    void openPageAndWaitUntilConnected() {
        assumeTrue(browserInstalled(), MISSING_BROWSER);
        driver.get("http://127.0.0.1:" + server.port() + "/");
        wait.until(ExpectedConditions.textToBe(By.id("state"), "connected"));
    }

    @Test
    void addShowsTheSum() {
        type("add-a", "2");
        type("add-b", "40");
        driver.findElement(By.id("add-call")).click();

        wait.until(ExpectedConditions.textToBe(By.id("add-result"), "42"));
    }

    @Test
    void whoamiShowsAFrameworkClient() {
        driver.findElement(By.id("whoami-call")).click();

        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("whoami-result"), "FRAMEWORK"));
        assertThat(driver.findElement(By.id("whoami-result")).getText()).contains("session_id");
        assertThat(driver.findElement(By.id("state-detail")).getText()).isEqualTo("(msgpack)");
    }

    @Test
    void encodingJsonMakesTheClientGeneric() {
        driver.get("http://127.0.0.1:" + server.port() + "/?encoding=json");
        wait.until(ExpectedConditions.textToBe(By.id("state"), "connected"));

        driver.findElement(By.id("whoami-call")).click();

        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("whoami-result"), "GENERIC"));
        assertThat(driver.findElement(By.id("state-detail")).getText()).isEqualTo("(json)");
    }

    @Test
    void addWithTextShowsInvalidParams() {
        type("add-a", "two");
        type("add-b", "40");
        driver.findElement(By.id("add-call")).click();

        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("add-result"), "INVALID_PARAMS"));
        assertThat(driver.findElement(By.id("add-result")).getText()).contains("(expected: Number)");
    }

    @Test
    void echoShowsTheValue() {
        type("echo-value", "{\"k\": [1, 2]}");
        driver.findElement(By.id("echo-call")).click();

        wait.until(ExpectedConditions.textToBe(By.id("echo-result"), "{\"k\":[1,2]}"));
    }

    @Test
    void logShowsTheRequestAndTheReply() {
        driver.findElement(By.id("whoami-call")).click();

        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("whoami-result"), "FRAMEWORK"));
        String log = driver.findElement(By.id("log-entries")).getText();
        assertThat(log).contains("→ sent").contains("\"method\": \"whoami\"");
        assertThat(log).contains("← received").contains("\"type\": \"response\"");
    }

    @Test
    void countFiveShowsOneToFive() {
        type("count-n", "5");
        driver.findElement(By.id("count-start")).click();

        wait.until(ExpectedConditions.textToBe(By.id("count-items"), "1 2 3 4 5"));
        wait.until(ExpectedConditions.textToBe(By.id("count-result"), "done: 5 items"));
    }

    @Test
    void stopEndsACount() {
        type("count-n", "1000");
        driver.findElement(By.id("count-start")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("count-items"), "1 2"));

        driver.findElement(By.id("count-stop")).click();

        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("count-result"), "stopped after"));
        assertThat(driver.findElement(By.id("log-entries")).getText()).contains("\"method\": \"__abort__\"");
    }

    @Test
    void secretIsDeniedBeforeLoginAndAnswersAfter() {
        driver.findElement(By.id("secret-call")).click();
        wait.until(ExpectedConditions.textToBe(
                By.id("secret-result"), "ACCESS_DENIED (-32002): Access denied for RPC method 'secret'."));

        type("login-name", "ada");
        driver.findElement(By.id("login-call")).click();
        wait.until(ExpectedConditions.textToBe(By.id("login-result"), "\"Logged in as ada.\""));
        driver.findElement(By.id("secret-call")).click();

        wait.until(ExpectedConditions.textToBe(By.id("secret-result"), "\"Welcome, ada: the secret is 42.\""));
    }

    @Test
    void limitedShowsTheRateLimitErrorOnTheFourthCall() {
        for (int i = 0; i < 3; i++) {
            callAndAwaitReply("limited");
            assertThat(driver.findElement(By.id("limited-result")).getAttribute("class"))
                    .as("call %d", i + 1)
                    .isEqualTo("ok");
        }

        callAndAwaitReply("limited");

        assertThat(driver.findElement(By.id("limited-result")).getText())
                .isEqualTo("RATE_LIMIT_EXCEEDED (-32000): Rate limit exceeded for RPC method 'limited'.");
    }

    @Test
    void failShowsTheCodeAndMessageOfEachKind() {
        callAndAwaitReply("fail");
        assertThat(driver.findElement(By.id("fail-result")).getText())
                .isEqualTo("APPLICATION_ERROR (-32001): This went wrong on purpose (kind: app).");

        new Select(driver.findElement(By.id("fail-kind"))).selectByValue("crash");
        callAndAwaitReply("fail");

        assertThat(driver.findElement(By.id("fail-result")).getText())
                .isEqualTo("INTERNAL_SERVER_ERROR (-32603): Server error (IllegalStateException): a deliberate crash"
                        + " (kind: crash)");
    }

    @Test
    void chatShowsWhatAnotherClientSaysInTheLobby() throws Exception {
        driver.findElement(By.id("chat-join")).click();
        wait.until(ExpectedConditions.textToBe(By.id("chat-joined"), "lobby"));

        try (TextSocket other = TextSocket.connect(server.port())) {
            other.send("{\"source\":5,\"rpc\":{\"type\":\"request\",\"method\":\"say\","
                    + "\"args\":[\"lobby\",\"hello from the socket\"],\"kwargs\":{},\"call_id\":\"s1\"}}");
            assertThat(other.next()).contains("\"response\":1");
        }

        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("chat-messages"), "hello from the socket"));
        assertThat(driver.findElement(By.id("chat-messages")).getText()).startsWith("[lobby] ");
    }

    @Test
    void chatShowsWhoIsInTheRoomFromPresence() throws Exception {
        driver.findElement(By.id("chat-join")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("chat-present"), "lobby: 1 ("));

        try (TextSocket other = TextSocket.connect(server.port())) {
            other.send("{\"source\":5,\"rpc\":{\"type\":\"request\",\"method\":\"login\","
                    + "\"args\":[\"ada\"],\"kwargs\":{},\"call_id\":\"l1\"}}");
            other.next();
            other.send("{\"source\":5,\"rpc\":{\"type\":\"request\",\"method\":\"join\","
                    + "\"args\":[\"lobby\"],\"kwargs\":{},\"call_id\":\"j1\"}}");
            assertThat(other.next()).contains("\"response\":[\"lobby\"]");

            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("chat-present"), "lobby: 2 ("));
            assertThat(driver.findElement(By.id("chat-present")).getText()).contains("ada");
        }
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("chat-present"), "lobby: 1 ("));
    }

    @Test
    void chatSaysToAnotherClientInTheLobby() throws Exception {
        try (TextSocket other = TextSocket.connect(server.port())) {
            other.send("{\"source\":5,\"rpc\":{\"type\":\"request\",\"method\":\"join\","
                    + "\"args\":[\"lobby\"],\"kwargs\":{},\"call_id\":\"j1\"}}");
            assertThat(other.next()).contains("\"response\":[\"lobby\"]");

            type("chat-text", "hello from the page");
            driver.findElement(By.id("chat-send")).click();

            wait.until(ExpectedConditions.textToBe(By.id("chat-result"), "said to 1 recipient"));
            assertThat(other.next()).contains("\"channel\":\"lobby\"").contains("\"text\":\"hello from the page\"");
        }
    }

    @Test
    void joiningAMalformedPatternShowsTheError() {
        type("chat-room", "room.[ab");
        driver.findElement(By.id("chat-join")).click();

        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("chat-result"), "Not joined"));
        assertThat(driver.findElement(By.id("chat-result")).getText())
                .contains("room.[ab")
                .contains("closed by a ']'");
        assertThat(driver.findElement(By.id("chat-joined")).getText()).isEqualTo("(none)");
    }

    @Test
    void aDroppedConnectionReconnectsLogsInAgainAndRecoversTheMissedMessages() throws Exception {
        try (FaultProxy proxy = FaultProxy.start(server.port())) {
            driver.get("http://127.0.0.1:" + proxy.port() + "/");
            wait.until(ExpectedConditions.textToBe(By.id("state"), "connected"));
            type("login-name", "ada");
            callAndAwaitReply("login");
            type("chat-room", "recovery");
            driver.findElement(By.id("chat-join")).click();
            wait.until(ExpectedConditions.textToBe(By.id("chat-joined"), "recovery"));

            proxy.refuseNewConnections(true);
            proxy.dropAll();
            wait.until(ExpectedConditions.textToBe(By.id("state"), "connecting"));
            try (TextSocket other = TextSocket.connect(server.port())) {
                other.send("{\"source\":5,\"rpc\":{\"type\":\"request\",\"method\":\"say\","
                        + "\"args\":[\"recovery\",\"said while you were away\"],\"kwargs\":{},\"call_id\":\"s1\"}}");
                assertThat(other.next()).contains("\"response\":0");
            }
            proxy.refuseNewConnections(false);

            wait.until(ExpectedConditions.textToBe(By.id("state"), "connected"));
            wait.until(ExpectedConditions.textToBe(By.id("chat-result"), "recovery: recovered 1 missed"));
            assertThat(driver.findElement(By.id("chat-messages")).getText()).contains("said while you were away");
            // The page's handshake logged in again on the new connection, so presence knows the name.
            wait.until(ExpectedConditions.textToBe(By.id("chat-present"), "recovery: 1 (ada)"));
        }
    }

    /** Submits the form of {@code method} and waits until its output shows a reply instead of "…". */
    private void callAndAwaitReply(String method) {
        By result = By.id(method + "-result");
        driver.findElement(By.id(method + "-call")).click();
        wait.until(ExpectedConditions.not(ExpectedConditions.attributeToBe(result, "class", "pending")));
    }

    private void type(String id, String text) {
        WebElement input = driver.findElement(By.id(id));
        input.clear();
        input.sendKeys(text);
    }

    private static boolean browserInstalled() {
        return Files.isExecutable(HeadlessChromium.CHROMIUM) && Files.isExecutable(HeadlessChromium.CHROMEDRIVER);
    }
}
