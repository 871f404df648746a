package dev.tether.cli.demo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tether.server.HttpEndpoint;
import dev.tether.server.HttpResponse;
import dev.tether.server.TetherServer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * The demo's live admin page, off unless a token is given ({@code tether serve --admin-token}): {@code GET /admin}
 * is the page, which asks for the token and then polls {@code GET /admin/stats} every 2 s. The stats are read from the
 * server's own meters (docs/operations.md), so the page shows what {@code /metrics} exports: connections, messages
 * and bytes by protocol, RPC calls and errors, channels, slow-consumer actions, the workers and the broker.
 *
 * <p>{@code /admin/stats} answers 401 without {@code Authorization: Bearer TOKEN}; the token is compared in constant
 * time. The page itself holds nothing secret. Endpoints run on worker threads; reading the meters takes microseconds.
 */
final class AdminPage {
    static final String PATH = "/admin";
    static final String STATS_PATH = "/admin/stats";
    static final int MIN_TOKEN_CHARS = 12;
    private static final String RESOURCES = "tether/admin/";
    private static final ObjectMapper JSON = new ObjectMapper();

    private AdminPage() {}

    /**
     * Mounts the page and its stats on {@code settings}, which must have a meter registry.
     *
     * @throws IllegalArgumentException if the token is shorter than {@value #MIN_TOKEN_CHARS} characters
     */
    static TetherServer.Builder mount(TetherServer.Builder settings, String token) {
        if (token.length() < MIN_TOKEN_CHARS) {
            throw new IllegalArgumentException("admin token: " + token.length() + " characters (expected: at least "
                    + MIN_TOKEN_CHARS + "; a guessable token guards nothing)");
        }
        MeterRegistry registry = settings.config().meterRegistry();
        if (registry == null) {
            registry = new SimpleMeterRegistry();
            settings.meterRegistry(registry);
        }
        long startedMillis = System.currentTimeMillis();
        byte[] expected = ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
        MeterRegistry meters = registry;
        HttpEndpoint stats = request -> {
            if (!request.method().equals("GET")) {
                return CompletableFuture.completedFuture(error(405, "only GET reads the stats"));
            }
            String authorization = request.headers().getOrDefault("authorization", "");
            if (!MessageDigest.isEqual(expected, authorization.getBytes(StandardCharsets.UTF_8))) {
                return CompletableFuture.completedFuture(new HttpResponse(
                        401,
                        "application/json",
                        json(Map.of("error", "missing or wrong token (expected: Authorization: Bearer TOKEN)")),
                        Map.of("www-authenticate", "Bearer", "cache-control", "no-store")));
            }
            return CompletableFuture.completedFuture(new HttpResponse(
                    200, "application/json", json(stats(meters, startedMillis)), Map.of("cache-control", "no-store")));
        };
        return settings.httpEndpoint(
                        PATH, ClasspathResource.endpoint(RESOURCES + "admin.html", "text/html; charset=utf-8"))
                .httpEndpoint(
                        PATH + "/admin.js",
                        ClasspathResource.endpoint(RESOURCES + "admin.js", "text/javascript; charset=utf-8"))
                .httpEndpoint(STATS_PATH, stats);
    }

    /** A snapshot of the server's meters, cumulative: the page turns two snapshots into rates. */
    static Map<String, Object> stats(MeterRegistry registry, long startedMillis) {
        Map<String, Object> out = new LinkedHashMap<>();
        long now = System.currentTimeMillis();
        out.put("time", now);
        out.put("uptimeSeconds", (now - startedMillis) / 1000);
        Map<String, Object> connections = new LinkedHashMap<>();
        connections.put("open", gauge(registry, "tether.connections.open"));
        connections.put("opened", total(registry, "tether.connections.opened"));
        connections.put("closedByCode", byTag(registry, "tether.connections.closed", "code"));
        out.put("connections", connections);
        Map<String, Object> messages = new LinkedHashMap<>();
        messages.put("received", byTag(registry, "tether.messages.received", "protocol"));
        messages.put("sent", byTag(registry, "tether.messages.sent", "protocol"));
        messages.put("receivedBytes", total(registry, "tether.received.bytes"));
        messages.put("sentBytes", total(registry, "tether.sent.bytes"));
        out.put("messages", messages);
        Map<String, Object> rpc = new LinkedHashMap<>();
        rpc.put("calls", 0L);
        rpc.put("byOutcome", new TreeMap<String, Long>());
        for (Timer timer : registry.find("tether.rpc.calls").timers()) {
            rpc.merge("calls", timer.count(), (a, b) -> (Long) a + (Long) b);
            @SuppressWarnings("unchecked")
            Map<String, Long> outcomes = (Map<String, Long>) rpc.get("byOutcome");
            outcomes.merge(String.valueOf(timer.getId().getTag("outcome")), timer.count(), Long::sum);
        }
        out.put("rpc", rpc);
        Map<String, Object> channels = new LinkedHashMap<>();
        channels.put("subscribed", gauge(registry, "tether.channels.subscribed"));
        channels.put("publications", total(registry, "tether.channel.publications"));
        channels.put("deliveries", total(registry, "tether.channel.deliveries"));
        out.put("channels", channels);
        out.put("slowConsumers", byTag(registry, "tether.slow.consumer", "action"));
        out.put("sendsRefused", total(registry, "tether.sends.refused"));
        Map<String, Object> workers = new LinkedHashMap<>();
        workers.put("pending", gauge(registry, "tether.worker.tasks.pending"));
        workers.put("refused", total(registry, "tether.worker.tasks.refused"));
        out.put("workers", workers);
        out.put("brokerConnected", gauge(registry, "tether.broker.connected"));
        return out;
    }

    private static @Nullable Long gauge(MeterRegistry registry, String name) {
        Gauge gauge = registry.find(name).gauge();
        return gauge == null ? null : Math.round(gauge.value());
    }

    /** The sum over every meter of that name (counters and function counters, whatever their tags). */
    private static long total(MeterRegistry registry, String name) {
        long sum = 0;
        for (Meter meter : registry.find(name).meters()) {
            sum += count(meter);
        }
        return sum;
    }

    private static Map<String, Long> byTag(MeterRegistry registry, String name, String tag) {
        Map<String, Long> out = new TreeMap<>();
        for (Meter meter : registry.find(name).meters()) {
            out.merge(String.valueOf(meter.getId().getTag(tag)), count(meter), Long::sum);
        }
        return out;
    }

    private static long count(Meter meter) {
        if (meter instanceof Counter counter) {
            return Math.round(counter.count());
        }
        if (meter instanceof FunctionCounter counter) {
            return Math.round(counter.count());
        }
        return 0;
    }

    private static HttpResponse error(int status, String message) {
        return new HttpResponse(status, "application/json", json(Map.of("error", message)), Map.of());
    }

    private static byte[] json(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("admin stats as JSON", e);
        }
    }
}
