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

    private static void point(Path dir, String series, int rate, int p50, boolean behind) throws Exception {
        Files.writeString(
                dir.resolve(series + "-" + rate + ".json"),
                "{\"rate\":" + rate + ",\"behind_schedule\":" + behind + ",\"latency_us\":{\"p50\":" + p50 + ",\"p99\":"
                        + (p50 * 10) + "}}");
    }

    @Test
    void theCurveSortsEachSeriesByOfferedRate(@TempDir Path curve) throws Exception {
        point(curve, "tether-echo", 100000, 300, true);
        point(curve, "tether-echo", 25000, 120, false);
        point(curve, "raw-netty-echo", 10000, 100, false);

        var points = Charts.curvePoints(curve);

        assertThat(points).containsOnlyKeys("tether-echo", "raw-netty-echo");
        assertThat(points.get("tether-echo"))
                .extracting(p -> p.path("rate").asInt())
                .containsExactly(25000, 100000);
    }

    @Test
    void drawsTheLatencyCurveEvenWithoutRounds(@TempDir Path tmp) throws Exception {
        Path results = Files.createDirectories(tmp.resolve("results"));
        Path curve = Files.createDirectories(results.resolve("curve"));
        point(curve, "tether-rpc-add", 10000, 150, false);
        point(curve, "tether-rpc-add", 25000, 160, true);
        point(curve, "vertx-echo", 10000, 140, false);
        Path out = tmp.resolve("img");

        Charts.main(new String[] {results.toString(), out.toString()});

        byte[] png = Files.readAllBytes(out.resolve("latency-curve.png"));
        assertThat(png).startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');
        assertThat(out.resolve("throughput.png")).doesNotExist();
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
