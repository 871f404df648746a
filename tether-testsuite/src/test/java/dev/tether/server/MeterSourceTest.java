package dev.tether.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.server.spi.MeterSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Mounted parts that are {@link MeterSource}s register their meters in the server's registry at start. */
class MeterSourceTest {
    private TetherServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** A part with one counter named after it, and a list it adds later meters to. */
    static class Part implements MeterSource {
        final String name;
        final AtomicInteger binds = new AtomicInteger();
        final Collection<Meter> meters = new ConcurrentLinkedQueue<>();
        volatile MeterRegistry registry;

        Part(String name) {
            this.name = name;
        }

        @Override
        public Collection<Meter> bindTo(MeterRegistry registry) {
            binds.incrementAndGet();
            this.registry = registry;
            meters.add(Counter.builder("test." + name).register(registry));
            return meters;
        }

        /** A meter made after the start, as a tag value on its first occurrence is. */
        void later() {
            meters.add(Counter.builder("test." + name + ".later").register(registry));
        }
    }

    static final class Listener extends Part implements WebSocketListener {
        Listener() {
            super("listener");
        }
    }

    static final class Endpoint extends Part implements HttpEndpoint {
        Endpoint() {
            super("http");
        }

        @Override
        public java.util.concurrent.CompletionStage<dev.tether.server.HttpResponse> handle(
                dev.tether.server.HttpRequest request) {
            return CompletableFuture.completedFuture(dev.tether.server.HttpResponse.json(200, "{}"));
        }
    }

    static final class Resource extends Part implements AutoCloseable {
        Resource() {
            super("resource");
        }

        @Override
        public void close() {}
    }

    private final Listener listener = new Listener();
    private final Endpoint http = new Endpoint();
    private final Resource resource = new Resource();

    private TetherServer.Builder builder() {
        return TetherServer.builder()
                .host("127.0.0.1")
                .port(0)
                .webSocket(WebSocketEndpoint.builder("/raw", listener).build())
                .httpEndpoint("/part", http)
                .closeWith(resource);
    }

    @Test
    void partsBindOnceToTheServersRegistryAndTheirMetersAreRemovedAtClose() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        server = builder().meterRegistry(registry).metricsEndpoint(true).build().start();

        for (Part part : List.of(listener, http, resource)) {
            assertThat(part.binds).as(part.name).hasValue(1);
            assertThat(registry.find("test." + part.name).counter())
                    .as(part.name)
                    .isNotNull();
        }
        listener.later();
        HttpResponse<String> metrics = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/metrics"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.body())
                .contains("test_listener_total 0")
                .contains("test_listener_later_total 0")
                .contains("test_http_total 0")
                .contains("test_resource_total 0");

        server.close();

        assertThat(registry.getMeters())
                .as("every part's meters, the later one too, with the server's")
                .isEmpty();
    }

    @Test
    void withoutARegistryNoPartIsBound() {
        server = builder().build().start();

        assertThat(List.of(listener.binds, http.binds, resource.binds))
                .allSatisfy(b -> assertThat(b).hasValue(0));
    }
}
