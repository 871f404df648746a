package dev.tether.bench.charts;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Draws the chart of {@code docs/reliability.md} from the samples {@code tether soak --csv} wrote: six panels over
 * time, the server's heap after GC, its direct memory, live threads, open file descriptors and connections, the p99
 * RPC latency of each interval, and the slow-consumer closes and churned connections so far. The part before
 * {@code WARMUP_SECONDS} is the warm-up the verdict leaves out; a grey line marks its end.
 *
 * <pre>
 * java -Djava.awt.headless=true -cp tether-bench/target/benchmarks.jar dev.tether.bench.charts.SoakChart \
 *     soak.csv docs/img/soak.png [WARMUP_SECONDS] [TITLE]
 * </pre>
 */
public final class SoakChart {
    private static final int PANEL_WIDTH = 560;
    private static final int PANEL_HEIGHT = 300;
    private static final double MIB = 1 << 20;
    private static final Color[] COLORS = {
        new Color(0x1F, 0x77, 0xB4),
        new Color(0xD6, 0x27, 0x28),
        new Color(0x2C, 0xA0, 0x2C),
        new Color(0x94, 0x67, 0xBD)
    };

    private SoakChart() {}

    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: SoakChart SAMPLES.csv OUT.png [WARMUP_SECONDS] [TITLE]");
            System.exit(2);
        }
        double warmup = args.length > 2 ? Double.parseDouble(args[2]) : 0;
        String title = args.length > 3 ? args[3] : "tether soak";
        draw(read(Path.of(args[0])), Path.of(args[1]), warmup, title);
    }

    /** The CSV's columns by header name, each as numbers. */
    static Map<String, double[]> read(Path csv) throws IOException {
        List<String> lines = Files.readAllLines(csv);
        if (lines.size() < 2) {
            throw new IOException(csv + ": " + lines.size() + " lines (expected: a header and at least one sample)");
        }
        String[] header = lines.get(0).split(",", -1);
        Map<String, double[]> columns = new LinkedHashMap<>();
        double[][] values = new double[header.length][lines.size() - 1];
        for (int row = 1; row < lines.size(); row++) {
            String[] cells = lines.get(row).split(",", -1);
            for (int c = 0; c < header.length && c < cells.length; c++) {
                values[c][row - 1] = Double.parseDouble(cells[c]);
            }
        }
        for (int c = 0; c < header.length; c++) {
            columns.put(header[c], values[c]);
        }
        return columns;
    }

    static void draw(Map<String, double[]> data, Path out, double warmup, String title) throws IOException {
        double[] minutes =
                Arrays.stream(column(data, "seconds")).map(s -> s / 60).toArray();
        List<XYChart> panels = new ArrayList<>();
        panels.add(panel(
                "Heap after GC (MiB)",
                minutes,
                warmup,
                Map.of("heap after GC", scaled(column(data, "heap_after_gc_bytes"), MIB))));
        panels.add(panel(
                "Direct memory (MiB)",
                minutes,
                warmup,
                ordered(
                        "Netty, all",
                        scaled(column(data, "netty_direct_bytes"), MIB),
                        "Netty's pool",
                        scaled(column(data, "netty_pool_direct_bytes"), MIB),
                        "JVM direct buffers",
                        scaled(column(data, "jvm_direct_bytes"), MIB))));
        panels.add(panel("Live threads", minutes, warmup, Map.of("threads", column(data, "threads"))));
        panels.add(panel(
                "File descriptors and connections",
                minutes,
                warmup,
                ordered("open fds", column(data, "open_fds"), "connections", column(data, "connections"))));
        panels.add(panel("p99 RPC latency per interval (ms)", minutes, warmup, Map.of("p99", column(data, "p99_ms"))));
        panels.add(panel(
                "So far: slow-consumer closes, churned connections",
                minutes,
                warmup,
                ordered(
                        "slow-consumer closes (1008)",
                        column(data, "slow_consumer_disconnects"),
                        "churned / 100",
                        scaled(column(data, "churned"), 100))));

        int titleHeight = 36;
        BufferedImage image =
                new BufferedImage(PANEL_WIDTH * 2, PANEL_HEIGHT * 3 + titleHeight, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        g.setColor(Color.BLACK);
        g.setFont(g.getFont().deriveFont(16f));
        g.drawString(title, 12, 24);
        for (int i = 0; i < panels.size(); i++) {
            BufferedImage panel = BitmapEncoder.getBufferedImage(panels.get(i));
            g.drawImage(panel, (i % 2) * PANEL_WIDTH, titleHeight + (i / 2) * PANEL_HEIGHT, null);
        }
        g.dispose();
        ImageIO.write(image, "png", out.toFile());
    }

    private static XYChart panel(String title, double[] minutes, double warmup, Map<String, double[]> series) {
        XYChart chart = new XYChartBuilder()
                .width(PANEL_WIDTH)
                .height(PANEL_HEIGHT)
                .title(title)
                .xAxisTitle("minutes")
                .build();
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        chart.getStyler().setLegendVisible(series.size() > 1);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisDecimalPattern("#,##0.#");
        chart.getStyler().setXAxisDecimalPattern("#,##0.#");
        chart.getStyler().setXAxisMin(0.0);
        int colour = 0;
        double max = 0;
        for (Map.Entry<String, double[]> s : series.entrySet()) {
            double[] y = s.getValue();
            // -1 is "not measured" (an interval without answered calls, a meter the server lacks): leave a gap.
            double[] shown = Arrays.stream(y).map(v -> v < 0 ? Double.NaN : v).toArray();
            XYSeries line = chart.addSeries(s.getKey(), minutes, shown);
            line.setMarker(SeriesMarkers.NONE);
            line.setLineColor(COLORS[colour++ % COLORS.length]);
            for (double v : y) {
                max = Math.max(max, v);
            }
        }
        if (warmup > 0) {
            XYSeries end = chart.addSeries(
                    "end of warm-up", new double[] {warmup / 60, warmup / 60}, new double[] {0, max > 0 ? max : 1});
            end.setMarker(SeriesMarkers.NONE);
            end.setLineColor(Color.GRAY);
            end.setShowInLegend(false);
        }
        return chart;
    }

    private static double[] column(Map<String, double[]> data, String name) {
        double[] values = data.get(name);
        if (values == null) {
            throw new IllegalArgumentException("samples: no column " + name + " (expected: the CSV of tether soak)");
        }
        return values;
    }

    private static double[] scaled(double[] values, double divisor) {
        return Arrays.stream(values).map(v -> v < 0 ? v : v / divisor).toArray();
    }

    private static Map<String, double[]> ordered(Object... namesAndSeries) {
        Map<String, double[]> series = new LinkedHashMap<>();
        for (int i = 0; i < namesAndSeries.length; i += 2) {
            series.put((String) namesAndSeries[i], (double[]) namesAndSeries[i + 1]);
        }
        return series;
    }
}
