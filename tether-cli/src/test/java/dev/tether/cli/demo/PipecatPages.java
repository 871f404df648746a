package dev.tether.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.TimeUnit;

/**
 * The test pages that drive pipecat's own browser clients: {@code src/test/js/NAME.html} and {@code NAME.js}, bundled
 * with the project's esbuild (from {@code npm ci} in {@code src/test/js}, which {@code scripts/ensure-services.sh
 * browser} runs) into {@code target/NAME/}.
 */
final class PipecatPages {
    private static final Path JS = Path.of("src", "test", "js");
    private static final Path ESBUILD = JS.resolve("node_modules/.bin/esbuild");

    private PipecatPages() {}

    /** Skips the test without the npm packages, or fails it when {@code -Dtether.requireBrowser=true}. */
    static void assumePackagesInstalled() {
        boolean installed = Files.isExecutable(ESBUILD);
        String missing = "The pipecat client tests need " + JS
                + "/node_modules (run scripts/ensure-services.sh browser, or npm ci in " + JS + ")";
        if (!installed && Boolean.getBoolean("tether.requireBrowser")) {
            fail(missing + "; -Dtether.requireBrowser=true forbids skipping");
        }
        assumeTrue(installed, missing);
    }

    /** Copies {@code NAME.html} and bundles {@code NAME.js} into {@code target/NAME/NAME.bundle.js}; returns the folder. */
    static Path bundle(String name) throws IOException, InterruptedException {
        Path out = Path.of("target", name);
        Files.createDirectories(out);
        Files.copy(JS.resolve(name + ".html"), out.resolve(name + ".html"), StandardCopyOption.REPLACE_EXISTING);
        Path log = out.resolve("esbuild.log");
        Process esbuild = new ProcessBuilder(
                        ESBUILD.toString(),
                        JS.resolve(name + ".js").toString(),
                        "--bundle",
                        "--format=iife",
                        "--log-level=warning",
                        "--outfile=" + out.resolve(name + ".bundle.js"))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        if (!esbuild.waitFor(60, TimeUnit.SECONDS)) {
            esbuild.destroyForcibly();
            fail("esbuild took more than 60 s; see " + log);
        }
        assertThat(esbuild.exitValue()).as(Files.readString(log)).isZero();
        return out;
    }
}
