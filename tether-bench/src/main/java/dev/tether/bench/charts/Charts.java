package dev.tether.bench.charts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

/**
 * Draws the charts of {@code docs/benchmarks.md} from the JSON results of {@code bench/compare.sh}: throughput, the
 * latency percentiles, and the CPU of server and generator (which shows whether the generator was the limit). Each
 * bar is the median run of a case; its latency and CPU are that run's.
 *
 * <pre>
 * java -Djava.awt.headless=true -cp tether-bench/target/benchmarks.jar dev.tether.bench.charts.Charts bench/results docs/img
 * </pre>
 */
public final class Charts {
    /** The cases compare.sh runs, in the order the charts show them, with their labels. */
    private static final Map<String, String> CASES = orderedCases();

    private Charts() {}

    private static Map<String, String> orderedCases() {
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put("echo-raw-netty", "raw Netty echo");
        cases.put("echo-tether", "Tether echo");
        cases.put("echo-node-ws", "node ws echo");
        cases.put("rpc-add-tether", "Tether rpc add");
        cases.put("rpc-add-half-tether", "Tether rpc add, half rate");
        cases.put("rpc-addOnWorker-tether", "Tether rpc add (worker)");
        cases.put("rpc-addOnWorker-half-tether", "Tether rpc add (worker), half rate");
        cases.put("rpc-echo-tether", "Tether rpc echo");
        cases.put("fanout-1000-tether", "Tether fan-out 1k");
        cases.put("fanout-10000-tether", "Tether fan-out 10k");
        return cases;
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: Charts RESULTS_DIR OUTPUT_DIR");
            System.exit(2);
        }
        System.setProperty("java.awt.headless", "true");
        Map<String, JsonNode> medians = medianRuns(Path.of(args[0]));
        if (medians.isEmpty()) {
            System.err.println("no results in " + args[0]);
            System.exit(1);
        }
        Path out = Files.createDirectories(Path.of(args[1]));
        List<String> labels = new ArrayList<>();
        List<Double> delivered = new ArrayList<>();
        List<Double> p50 = new ArrayList<>();
        List<Double> p99 = new ArrayList<>();
        List<Double> p999 = new ArrayList<>();
        List<Double> serverCpu = new ArrayList<>();
        List<Double> generatorCpu = new ArrayList<>();
        for (Map.Entry<String, String> c : CASES.entrySet()) {
            JsonNode run = medians.get(c.getKey());
            if (run == null) {
                continue;
            }
            labels.add(c.getValue());
            delivered.add(run.path("delivered_per_second").asDouble());
            JsonNode latency = run.path("latency_us");
            p50.add(Math.max(1, latency.path("p50").asDouble()));
            p99.add(Math.max(1, latency.path("p99").asDouble()));
            p999.add(Math.max(1, latency.path("p999").asDouble()));
            serverCpu.add(Math.max(0, run.path("server_cpu_cores").asDouble()));
            generatorCpu.add(Math.max(0, run.path("generator_cpu_cores").asDouble()));
        }

        CategoryChart throughput = chart("Delivered messages per second (median run)", "msg/s");
        throughput.addSeries("delivered/s", labels, delivered);
        save(throughput, out.resolve("throughput"));

        CategoryChart latency = chart("Latency percentiles of the median run (log scale)", "µs");
        latency.getStyler().setYAxisLogarithmic(true);
        latency.getStyler().setYAxisMin(1.0); // a bar's baseline of 0 has no place on a log axis
        latency.addSeries("p50", labels, p50);
        latency.addSeries("p99", labels, p99);
        latency.addSeries("p99.9", labels, p999);
        save(latency, out.resolve("latency"));

        CategoryChart cpu = chart("CPU used: server vs load generator (cores)", "cores");
        cpu.addSeries("server", labels, serverCpu);
        cpu.addSeries("generator", labels, generatorCpu);
        save(cpu, out.resolve("cpu"));
        System.err.println("charts written to " + out);
    }

    /** The run with the median delivered/s of every case ({@code NAME-rROUND.json}). */
    static Map<String, JsonNode> medianRuns(Path results) throws IOException {
        ObjectMapper json = new ObjectMapper();
        Map<String, List<JsonNode>> runs = new TreeMap<>();
        try (Stream<Path> files = Files.list(results)) {
            for (Path file :
                    files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                String name = file.getFileName().toString().replaceFirst("-r\\d+\\.json$", "");
                runs.computeIfAbsent(name, k -> new ArrayList<>()).add(json.readTree(file.toFile()));
            }
        }
        Map<String, JsonNode> medians = new TreeMap<>();
        runs.forEach((name, list) -> {
            list.sort(Comparator.comparingDouble(
                    r -> r.path("delivered_per_second").asDouble()));
            medians.put(name, list.get(list.size() / 2));
        });
        return medians;
    }

    private static CategoryChart chart(String title, String yTitle) {
        CategoryChart chart = new CategoryChartBuilder()
                .width(900)
                .height(420)
                .title(title)
                .yAxisTitle(yTitle)
                .build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setXAxisLabelRotation(20);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        return chart;
    }

    private static void save(CategoryChart chart, Path withoutExtension) throws IOException {
        BitmapEncoder.saveBitmap(chart, withoutExtension.toString(), BitmapEncoder.BitmapFormat.PNG);
    }
}
