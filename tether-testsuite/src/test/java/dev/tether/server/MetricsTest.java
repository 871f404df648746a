package dev.tether.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tether.core.Packet;
import dev.tether.core.RpcErrorCode;
import dev.tether.core.RpcResponse;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The server's Micrometer meters and {@code GET /metrics}, counted over real sockets. */
class MetricsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    public static class Handler implements TetherHandler {
        @Rpc
        public String echo(String value) {
            return value;
        }

        @Rpc
        public String refuse() {
            throw new RpcException("Room 'lobby' is full.");
        }
    }

    private final HttpClient http = HttpClient.newHttpClient();
    private TetherServer server;

    private TetherServer start(TetherServer.Builder builder) {
        server = builder.host("127.0.0.1")
                .port(0)
                .handler(new Handler())
                .clientSubscriptions((session, name) -> true)
                .build()
                .start();
        return server;
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static double counter(MeterRegistry registry, String name, String... tags) {
        return registry.get(name).tags(tags).counter().count();
    }

    private static long calls(MeterRegistry registry, String method, String outcome) {
        return registry.get("tether.rpc.calls")
                .tags("method", method, "outcome", outcome)
                .timer()
                .count();
    }

    @Test
    void countsConnectionsMessagesCallsAndPublications() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        start(TetherServer.builder().meterRegistry(registry));
        try (WsClient json = WsClient.json(server);
                WsClient msgpack = WsClient.msgpack(server)) {
            assertThat(json.callAndWait("echo", "hi").isError()).isFalse();
            assertThat(json.callAndWait("refuse").errorCode()).isEqualTo(RpcErrorCode.APPLICATION_ERROR);
            assertThat(json.callAndWait("no.such.method").errorCode()).isEqualTo(RpcErrorCode.METHOD_NOT_FOUND);
            assertThat(json.callAndWait("subscribe", "news").isError()).isFalse();
            assertThat(msgpack.callAndWait("echo", "hello").isError()).isFalse();
            assertThat(server.publish("news", "extra")).isEqualTo(1);
            Packet publication = json.next();
            assertThat(publication.channel()).isEqualTo("news");

            assertThat(registry.get("tether.connections.open").gauge().value()).isEqualTo(2);
            assertThat(counter(registry, "tether.connections.opened")).isEqualTo(2);
            assertThat(calls(registry, "echo", "ok")).isEqualTo(2);
            assertThat(calls(registry, "refuse", "application_error")).isEqualTo(1);
            assertThat(calls(registry, "unknown", "method_not_found")).isEqualTo(1);
            assertThat(calls(registry, "subscribe", "ok")).isEqualTo(1);
            assertThat(registry.find("tether.rpc.calls")
                            .tag("method", "no.such.method")
                            .timers())
                    .as("a method that is not registered gets no tag of its own")
                    .isEmpty();
            assertThat(counter(registry, "tether.messages.received", "protocol", "json"))
                    .isEqualTo(4);
            assertThat(counter(registry, "tether.received.bytes", "protocol", "json"))
                    .isEqualTo((double) json.sentBytes());
            assertThat(counter(registry, "tether.messages.received", "protocol", "msgpack"))
                    .isEqualTo(1);
            assertThat(counter(registry, "tether.received.bytes", "protocol", "msgpack"))
                    .isEqualTo((double) msgpack.sentBytes());
            assertThat(counter(registry, "tether.messages.sent", "protocol", "json"))
                    .isEqualTo(5); // 4 replies, 1 pub
            assertThat(counter(registry, "tether.messages.sent", "protocol", "msgpack"))
                    .isEqualTo(1);
            assertThat(counter(registry, "tether.sent.bytes", "protocol", "json"))
                    .isPositive();
            assertThat(registry.get("tether.channel.publications")
                            .functionCounter()
                            .count())
                    .isEqualTo(1);
            assertThat(registry.get("tether.channel.deliveries")
                            .functionCounter()
                            .count())
                    .isEqualTo(1);
            assertThat(registry.get("tether.channels.subscribed").gauge().value())
                    .isEqualTo(1);

            assertThat(json.closeWith(4001, "bye")).startsWith("4001");
            await().atMost(WAIT)
                    .untilAsserted(() -> assertThat(registry.find("tether.connections.closed")
                                    .tag("code", "4001")
                                    .counter())
                            .isNotNull()
                            .satisfies(c -> assertThat(c.count()).isEqualTo(1)));
            assertThat(registry.get("tether.connections.open").gauge().value()).isEqualTo(1);
        }
    }

    @Test
    void countsStreamsByOutcome() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        start(TetherServer.builder().meterRegistry(registry));
        server.rpc()
                .register(
                        RpcOptions.named("count").streaming(),
                        call -> java.util.stream.IntStream.range(0, 3).boxed());
        try (WsClient json = WsClient.json(server)) {
            String id = json.call("count");
            java.util.List<RpcResponse> replies = json.streamReplies(id);
            assertThat(replies.get(replies.size() - 1).isError()).isFalse();
            await().atMost(WAIT)
                    .untilAsserted(
                            () -> assertThat(calls(registry, "count", "ok")).isEqualTo(1));
        }
    }

    @Test
    void slowConsumerAndWorkerMetersReadTheServerCounters() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        start(TetherServer.builder().meterRegistry(registry));

        for (String action : new String[] {"disconnect", "drop_newest", "drop_oldest", "conflate"}) {
            assertThat(registry.get("tether.slow.consumer")
                            .tag("action", action)
                            .functionCounter()
                            .count())
                    .isZero();
        }
        assertThat(registry.get("tether.sends.refused").functionCounter().count())
                .isZero();
        assertThat(registry.get("tether.worker.tasks.refused").functionCounter().count())
                .isZero();
        assertThat(registry.get("tether.worker.tasks.pending").gauge().value()).isZero();
    }

    @Test
    void nettyDirectMemoryGaugesReadNettysCounters() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        start(TetherServer.builder().meterRegistry(registry));

        // The server's own listening socket and event loops have allocated nothing pooled yet, or a chunk: never less
        // than nothing. Netty counts its direct memory here (tests run with Unsafe available).
        assertThat(registry.get("tether.netty.direct.memory.used").gauge().value())
                .isGreaterThanOrEqualTo(0);
        assertThat(registry.get("tether.netty.allocator.direct.used").gauge().value())
                .isGreaterThanOrEqualTo(0);
    }

    @Test
    void metersAreRemovedWhenTheServerCloses() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        start(TetherServer.builder().meterRegistry(registry));
        assertThat(registry.getMeters()).isNotEmpty();

        server.close();

        assertThat(registry.getMeters())
                .filteredOn(m -> m.getId().getName().startsWith("tether."))
                .isEmpty();
    }

    @Test
    void noRegistryRegistersNothingAndServesNoMetrics() throws Exception {
        start(TetherServer.builder());
        try (WsClient json = WsClient.json(server)) {
            assertThat(json.callAndWait("echo", "hi").isError()).isFalse();
        }

        assertThat(get("/metrics").statusCode()).isEqualTo(404);
    }

    @Test
    void metricsEndpointServesPrometheusText() throws Exception {
        start(TetherServer.builder().metricsEndpoint(true));
        try (WsClient json = WsClient.json(server)) {
            assertThat(json.callAndWait("echo", "hi").isError()).isFalse();
            assertThat(json.callAndWait("refuse").isError()).isTrue();

            HttpResponse<String> metrics = get("/metrics");

            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.headers().firstValue("content-type"))
                    .hasValueSatisfying(type -> assertThat(type).startsWith("text/plain; version=0.0.4"));
            assertThat(metrics.body())
                    .contains("tether_connections_open 1.0")
                    .contains("tether_connections_opened_total 1.0")
                    .contains("tether_rpc_calls_seconds_count{method=\"echo\",outcome=\"ok\"} 1")
                    .contains("tether_rpc_calls_seconds_count{method=\"refuse\",outcome=\"application_error\"} 1")
                    .contains("tether_rpc_calls_seconds_bucket{method=\"echo\",outcome=\"ok\",le=")
                    .contains("tether_messages_received_total{protocol=\"json\"} 2.0")
                    .contains("tether_received_bytes_total{protocol=\"json\"} " + (double) json.sentBytes())
                    .contains("tether_slow_consumer_total{action=\"drop_oldest\"} 0.0");
        }
    }

    @Test
    void metricsEndpointReadsAGivenPrometheusRegistry() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.counter("app.logins").increment();
        start(TetherServer.builder().meterRegistry(registry).metricsEndpoint(true));

        String body = get("/metrics").body();

        assertThat(body).contains("app_logins_total 1.0").contains("tether_connections_open 0.0");
    }

    @Test
    void metricsEndpointFeedsAGivenRegistryOfAnotherKindToo() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        start(TetherServer.builder().meterRegistry(registry).metricsEndpoint(true));
        try (WsClient json = WsClient.json(server)) {
            assertThat(json.callAndWait("echo", "hi").isError()).isFalse();

            assertThat(get("/metrics").body()).contains("tether_connections_opened_total 1.0");
            assertThat(counter(registry, "tether.connections.opened")).isEqualTo(1);
            assertThat(registry.find("tether.connections.open")
                            .tags(Tags.empty())
                            .gauge())
                    .isNotNull();
        }
    }

    @Test
    void metricsEndpointRefusesAnApplicationEndpointOnTheSamePath() {
        TetherServer.Builder both = TetherServer.builder()
                .metricsEndpoint(true)
                .httpEndpoint(
                        "/metrics",
                        request -> java.util.concurrent.CompletableFuture.completedFuture(
                                dev.tether.server.HttpResponse.text(200, "mine")));

        org.assertj.core.api.Assertions.assertThatThrownBy(both::build)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("metricsEndpoint: true (expected: false while an httpEndpoint is on /metrics)");
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                        .timeout(WAIT)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
