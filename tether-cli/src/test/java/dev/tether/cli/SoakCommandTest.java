package dev.tether.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.cli.demo.DemoServer;
import dev.tether.server.TetherServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code tether soak} for 6 s against the demo server, in-process: the load runs, the samples are taken (with a full
 * GC of this process by jcmd before each) and judged. GrowthTest checks the verdict on flat and growing series.
 */
class SoakCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final CommandLine cli =
            TetherCli.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));

    @Test
    void aShortSoakSamplesTheServerThreeTimesAndJudgesEveryResource(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("samples.csv");
        try (TetherServer server = DemoServer.create("127.0.0.1", 0).start()) {
            int exitCode = cli.execute(
                    "soak",
                    "--url",
                    "ws://127.0.0.1:" + server.port() + "/",
                    "-c",
                    "20",
                    "--rpc-rate",
                    "200",
                    "--chat-rate",
                    "50",
                    "-t",
                    "6s",
                    "--interval",
                    "2s",
                    "--warmup",
                    "0s",
                    "--stall",
                    "1s..2s",
                    "--server-pid",
                    Long.toString(ProcessHandle.current().pid()),
                    "--csv",
                    csv.toString());

            // Six seconds in a test JVM that is still loading classes is no soak: the verdict may go either way
            // (GrowthTest checks it on recorded series). Here every resource must be measured and the exit code
            // must follow the verdict.
            assertThat(exitCode).as(out + "\n" + err).isIn(0, 1);
            assertThat(out.toString()).contains(exitCode == 0 ? "PASSED: no resource grew" : "FAILED: ");
        }
        assertThat(out.toString())
                .contains("| heap after GC |", "| Netty direct memory |", "| open file descriptors |")
                .doesNotContain("not measured");
        List<String> lines = Files.readAllLines(csv);
        assertThat(lines).hasSize(4).first().asString().startsWith("seconds,heap_used_bytes,heap_after_gc_bytes");
        for (String line : lines.subList(1, 4)) {
            String[] cells = line.split(",");
            assertThat(Double.parseDouble(cells[2])).as("heap after GC").isPositive();
            assertThat(Double.parseDouble(cells[6])).as("threads").isPositive();
            assertThat(Double.parseDouble(cells[7])).as("open fds").isPositive();
            assertThat(Double.parseDouble(cells[8])).as("connections").isPositive();
            assertThat(Long.parseLong(cells[10]))
                    .as("calls answered in the interval")
                    .isPositive();
            assertThat(Long.parseLong(cells[11])).as("errors").isZero();
        }
        assertThat(Long.parseLong(lines.get(3).split(",")[13]))
                .as("connections churned")
                .isPositive();
    }

    @Test
    void aSoakLongerThanADayIsRefused() {
        int exitCode = cli.execute("soak", "-t", "25h");

        assertThat(exitCode).isEqualTo(2);
        assertThat(err.toString()).contains("duration: 25h (expected: 3 intervals (30s) to 24h)");
    }
}
