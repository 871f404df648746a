package dev.tether.bench.charts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Draws the charts of {@code docs/benchmarks.md} from the JSON results of {@code bench/compare.sh}: throughput, the
 * latency percentiles, and the CPU of server and generator (which shows whether the generator was the limit), each
 * bar the median run of a case with its latency and CPU; and the latency curve ({@code latency-curve.png}): p50 and
 * p99 against the offered rate, open loop, from {@code RESULTS_DIR/curve}.
 *
 * <pre>
 * java -Djava.awt.headless=true -cp tether-bench/target/benchmarks.jar dev.tether.bench.charts.Charts bench/results docs/img
 * </pre>
 */
public final class Charts {
    /** The cases compare.sh runs, in the order the charts show them, with their labels. */
    private static final Map<String, String> CASES = orderedCases();

    private Charts() {}

    /** The curve's series ({@code results/curve/SERIES-RATE.json}), in the order the chart's legend shows them. */
    private static final Map<String, String> CURVE_SERIES = orderedCurveSeries();

    /** One colour per server, for its p50 and p99 lines alike. */
    private static final Color[] CURVE_COLORS = {
        new Color(0xD6, 0x27, 0x28),
        new Color(0x1F, 0x77, 0xB4),
        new Color(0x2C, 0xA0, 0x2C),
        new Color(0x94, 0x67, 0xBD)
    };

    private static Map<String, String> orderedCurveSeries() {
        Map<String, String> series = new LinkedHashMap<>();
        series.put("tether-rpc-add", "Tether rpc add");
        series.put("tether-echo", "Tether echo");
        series.put("raw-netty-echo", "raw Netty echo");
        series.put("vertx-echo", "Vert.x echo");
        return series;
    }

    /** Every point of the curve by series, in rising offered rate. */
    static Map<String, List<JsonNode>> curvePoints(Path curve) throws IOException {
        Map<String, List<JsonNode>> points = new LinkedHashMap<>();
        if (!Files.isDirectory(curve)) {
            return points;
        }
        ObjectMapper json = new ObjectMapper();
        Pattern name = Pattern.compile("(.+)-(\\d+)\\.json");
        try (Stream<Path> files = Files.list(curve)) {
            for (Path file : files.sorted().toList()) {
                Matcher m = name.matcher(file.getFileName().toString());
                if (m.matches()) {
                    points.computeIfAbsent(m.group(1), k -> new ArrayList<>()).add(json.readTree(file.toFile()));
                }
            }
        }
        points.values()
                .forEach(list ->
                        list.sort(Comparator.comparingInt(p -> p.path("rate").asInt())));
        return points;
    }

    /**
     * Draws p50 (dashed) and p99 (solid) against the offered rate for each series of the curve, on a log axis; the
     * last point of a series is where the generator fell behind its schedule, if it did.
     */
    static boolean drawCurve(Path curve, Path out) throws IOException {
        Map<String, List<JsonNode>> points = curvePoints(curve);
        if (points.isEmpty()) {
            return false;
        }
        XYChart chart = new XYChartBuilder()
                .width(1000)
                .height(520)
                .title("Latency against offered load, open loop (p99 solid, p50 dashed; log scale)")
                .xAxisTitle("offered msg/s")
                .yAxisTitle("ms")
                .build();
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setXAxisLogarithmic(true); // 10,000 to 400,000: the low rates would crowd together
        chart.getStyler().setYAxisDecimalPattern("#,##0.###");
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setXAxisDecimalPattern("#,###");
        int colour = 0;
        for (Map.Entry<String, String> s : CURVE_SERIES.entrySet()) {
            List<JsonNode> series = points.get(s.getKey());
            Color color = CURVE_COLORS[colour++ % CURVE_COLORS.length];
            if (series == null) {
                continue;
            }
            List<Integer> rates = new ArrayList<>();
            List<Double> p50 = new ArrayList<>();
            List<Double> p99 = new ArrayList<>();
            for (JsonNode p : series) {
                rates.add(p.path("rate").asInt());
                p50.add(Math.max(1, p.path("latency_us").path("p50").asDouble()) / 1000);
                p99.add(Math.max(1, p.path("latency_us").path("p99").asDouble()) / 1000);
            }
            XYSeries high = chart.addSeries(s.getValue() + " p99", rates, p99);
            high.setLineColor(color);
            high.setMarkerColor(color);
            high.setMarker(SeriesMarkers.CIRCLE);
            XYSeries low = chart.addSeries(s.getValue() + " p50", rates, p50);
            low.setLineColor(color);
            low.setMarkerColor(color);
            low.setMarker(SeriesMarkers.DIAMOND);
            low.setLineStyle(SeriesLines.DASH_DASH);
        }
        BitmapEncoder.saveBitmap(chart, out.resolve("latency-curve").toString(), BitmapEncoder.BitmapFormat.PNG);
        return true;
    }

    private static Map<String, String> orderedCases() {
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("echo-raw-netty", "raw Netty echo");
        cases.put("echo-vertx", "Vert.x echo");
        cases.put("echo-tether", "Tether echo");
        cases.put("echo-node-ws", "node ws echo");
        cases.put("rpc-add-tether", "Tether rpc add");
        cases.put("rpc-addOnWorker-tether", "Tether rpc add (worker)");
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
        Path out = Files.createDirectories(Path.of(args[1]));
        boolean curve = drawCurve(Path.of(args[0], "curve"), out);
        if (medians.isEmpty()) {
            if (!curve) {
                System.err.println("no results in " + args[0]);
                System.exit(1);
            }
            System.err.println("latency curve written to " + out + " (no rounds in " + args[0] + ")");
            return;
        }
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
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        return chart;
    }

    private static void save(CategoryChart chart, Path withoutExtension) throws IOException {
        BitmapEncoder.saveBitmap(chart, withoutExtension.toString(), BitmapEncoder.BitmapFormat.PNG);
    }
}
