package dev.tether.bench.load;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the server's memory from {@code GET /health} ({@code heapUsedBytes}, {@code directMemoryBytes}) and keeps
 * the smallest heap it saw: the heap figure includes garbage until the next collection, so the minimum of many
 * samples comes closest to what is live.
 */
final class ServerHealth {
    private static final Pattern HEAP = Pattern.compile("\"heapUsedBytes\"\\s*:\\s*(-?\\d+)");
    private static final Pattern DIRECT = Pattern.compile("\"directMemoryBytes\"\\s*:\\s*(-?\\d+)");

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final URI health;
    private long minHeap = Long.MAX_VALUE;
    private long direct = -1;

    ServerHealth(URI webSocketUrl) {
        int port = webSocketUrl.getPort() < 0 ? 80 : webSocketUrl.getPort();
        this.health = URI.create("http://" + webSocketUrl.getHost() + ":" + port + "/health");
    }

    /** Takes one sample; false when the server has no {@code /health} (the raw and node servers). */
    boolean sample() throws InterruptedException {
        try {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(health)
                            .timeout(Duration.ofSeconds(2))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            Matcher heap = HEAP.matcher(response.body());
            Matcher directMatch = DIRECT.matcher(response.body());
            if (response.statusCode() != 200 || !heap.find()) {
                return false;
            }
            minHeap = Math.min(minHeap, Long.parseLong(heap.group(1)));
            if (directMatch.find()) {
                direct = Long.parseLong(directMatch.group(1));
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The smallest heap sampled, or -1 before any sample. */
    long minHeap() {
        return minHeap == Long.MAX_VALUE ? -1 : minHeap;
    }

    /** The direct memory of the last sample, or -1 when unknown. */
    long direct() {
        return direct;
    }
}
