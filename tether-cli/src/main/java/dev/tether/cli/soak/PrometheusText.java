package dev.tether.cli.soak;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The samples of a Prometheus text exposition ({@code GET /metrics}), by series: {@code name} or
 * {@code name{labels}} as written, each with its value. Comments and malformed lines are skipped.
 */
final class PrometheusText {
    private final Map<String, Double> series = new LinkedHashMap<>();

    private PrometheusText() {}

    static PrometheusText parse(String text) {
        PrometheusText metrics = new PrometheusText();
        for (String line : text.split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int end = line.lastIndexOf('}');
            int space = line.indexOf(' ', Math.max(end, 0));
            if (space < 0) {
                continue;
            }
            String value = line.substring(space + 1).trim();
            int timestamp = value.indexOf(' ');
            if (timestamp >= 0) {
                value = value.substring(0, timestamp);
            }
            try {
                metrics.series.put(line.substring(0, space), Double.parseDouble(value));
            } catch (NumberFormatException e) {
                // "+Inf" and "NaN" parse; anything else is not a sample
            }
        }
        return metrics;
    }

    /**
     * The sum of every series of {@code name} whose labels contain each of {@code labels} (as {@code key="value"});
     * -1 when there is none.
     */
    double sum(String name, String... labels) {
        double total = 0;
        boolean found = false;
        for (Map.Entry<String, Double> e : series.entrySet()) {
            String key = e.getKey();
            int brace = key.indexOf('{');
            String seriesName = brace < 0 ? key : key.substring(0, brace);
            if (!seriesName.equals(name)) {
                continue;
            }
            boolean all = true;
            for (String label : labels) {
                if (!key.contains(label)) {
                    all = false;
                    break;
                }
            }
            if (all) {
                total += e.getValue();
                found = true;
            }
        }
        return found ? total : -1;
    }
}
