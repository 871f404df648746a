package dev.tether.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Reads the server's memory from {@code GET /health} ({@code heapUsedBytes}, {@code directMemoryBytes}) and keeps
 * the smallest heap it saw: the heap figure includes garbage until the next collection, so the minimum of many
 * samples comes closest to what is live. A server that offers {@code GET /bench/gc} (the bench server,
 * {@code EchoServers tether} in tether-bench) gives the exact figure instead: its heap right after a full collection.
 */
final class ServerHealth {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final URI health;
    private final URI gc;
    private long minHeap = Long.MAX_VALUE;
    private long direct = -1;

    ServerHealth(URI webSocketUrl) {
        int port = webSocketUrl.getPort() < 0 ? 80 : webSocketUrl.getPort();
        this.health = URI.create("http://" + webSocketUrl.getHost() + ":" + port + "/health");
        this.gc = URI.create("http://" + webSocketUrl.getHost() + ":" + port + "/bench/gc");
    }

    /** Takes one sample; false when the server has no {@code /health} (the raw and node servers). */
    boolean sample() throws InterruptedException {
        JsonNode body = get(health);
        if (body == null || !body.path("heapUsedBytes").canConvertToLong()) {
            return false;
        }
        minHeap = Math.min(minHeap, body.path("heapUsedBytes").asLong());
        if (body.path("directMemoryBytes").canConvertToLong()) {
            direct = body.path("directMemoryBytes").asLong();
        }
        return true;
    }

    /** The server's heap right after a full collection, from {@code /bench/gc}; -1 when it does not offer it. */
    long heapAfterGc() throws InterruptedException {
        JsonNode body = get(gc);
        return body != null && body.path("heapUsedBytes").canConvertToLong()
                ? body.path("heapUsedBytes").asLong()
                : -1;
    }

    private @Nullable JsonNode get(URI uri) throws InterruptedException {
        try {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? JSON.readTree(response.body()) : null;
        } catch (IOException e) {
            return null;
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
