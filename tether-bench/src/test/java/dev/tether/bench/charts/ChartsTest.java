package dev.tether.bench.charts;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChartsTest {

    private static void result(Path dir, String file, double perSecond, int p50) throws Exception {
        Files.writeString(
                dir.resolve(file),
                "{\"delivered_per_second\":" + perSecond + ",\"latency_us\":{\"p50\":"
                        + p50 + ",\"p99\":" + (p50 * 3) + ",\"p999\":" + (p50 * 9) + "},\"server_cpu_cores\":0.9,"
                        + "\"generator_cpu_cores\":0.5}");
    }

    @Test
    void theMedianRunOfEachCaseIsChosen(@TempDir Path results) throws Exception {
        result(results, "echo-tether-r1.json", 300, 10);
        result(results, "echo-tether-r2.json", 100, 20);
        result(results, "echo-tether-r3.json", 200, 30);

        var medians = Charts.medianRuns(results);

        assertThat(medians).containsOnlyKeys("echo-tether");
        assertThat(medians.get("echo-tether").path("latency_us").path("p50").asInt())
                .isEqualTo(30);
    }

    @Test
    void drawsThroughputLatencyAndCpuCharts(@TempDir Path tmp) throws Exception {
        Path results = Files.createDirectories(tmp.resolve("results"));
        result(results, "echo-raw-netty-r1.json", 700_000, 150);
        result(results, "echo-tether-r1.json", 480_000, 270);
        Path out = tmp.resolve("img");

        Charts.main(new String[] {results.toString(), out.toString()});

        for (String chart : new String[] {"throughput.png", "latency.png", "cpu.png"}) {
            byte[] png = Files.readAllBytes(out.resolve(chart));
            assertThat(png).as(chart).startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');
        }
    }
}
