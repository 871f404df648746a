package dev.tether.cli.demo;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tether.server.TetherServer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's headless Chromium for the voice tests: a fake microphone that is granted without asking, sound that plays
 * without a gesture, and every request off loopback refused (a proxy that does not exist, names that do not resolve).
 *
 * <p>Selenium is given {@code /usr/bin/chromium} and {@code /usr/bin/chromedriver}, so Selenium Manager downloads
 * nothing. Without them a test is skipped, or fails when {@code -Dtether.requireBrowser=true}.
 */
final class HeadlessChromium {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final String MISSING = "The browser test needs Debian's Chromium: " + CHROMIUM + " and " + CHROMEDRIVER
            + " (install: apt-get install chromium chromium-driver, or run scripts/ensure-services.sh)";

    private HeadlessChromium() {}

    /** Skips the test without a browser, or fails it when the build requires one. */
    static void assumeInstalled() {
        boolean installed = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!installed && Boolean.getBoolean("tether.requireBrowser")) {
            fail(MISSING + "; -Dtether.requireBrowser=true forbids skipping");
        }
        assumeTrue(installed, MISSING);
    }

    /** A new browser with its profile in {@code profile}; the caller quits it. */
    static ChromeDriver start(Path profile) {
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
        ChromeOptions options = new ChromeOptions()
                .setBinary(CHROMIUM.toFile())
                .addArguments(
                        "--headless=new",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--disable-quic",
                        "--no-first-run",
                        "--disable-background-networking",
                        "--disable-component-update",
                        "--disable-sync",
                        // Containers often have a small /dev/shm, where Chromium's renderers crash.
                        "--disable-dev-shm-usage",
                        "--use-fake-device-for-media-stream",
                        "--use-fake-ui-for-media-stream",
                        "--autoplay-policy=no-user-gesture-required",
                        // Loopback only: loopback bypasses the proxy, anything else meets a closed port.
                        "--proxy-server=http://127.0.0.1:9",
                        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
                        "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        return new ChromeDriver(service, options);
    }

    /**
     * Quits the browser, then closes the server, whichever of them was started (a skipped or failed setup leaves
     * either {@code null}); the server is closed even when quitting fails.
     */
    static void quitThenClose(@Nullable WebDriver driver, @Nullable TetherServer server) {
        try {
            if (driver != null) {
                driver.quit();
            }
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }
}
