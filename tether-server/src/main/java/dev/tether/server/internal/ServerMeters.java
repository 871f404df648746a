package dev.tether.server.internal;

import dev.tether.core.RpcErrorCode;
import dev.tether.core.RpcResponse;
import dev.tether.server.InboundRateAction;
import dev.tether.server.ServerConfig;
import dev.tether.server.SlowConsumerPolicy;
import dev.tether.server.spi.ClusterBroker;
import dev.tether.server.spi.MeterSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.util.internal.PlatformDependent;
import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.ToDoubleFunction;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's Micrometer meters ({@code tether.*}, listed in docs/operations.md), registered once and held, so that
 * counting a message is an add on a meter a field points at: no lookup by name, no allocation. Absent (a
 * {@code null} field where it would be used) when the server has no registry, so that path costs a null check.
 *
 * <p>Counts that the server keeps anyway ({@link ServerCounters}, the worker tasks, the registry of connections)
 * are function counters and gauges read at scrape time, not counted twice. Tags whose values come from the network
 * are bounded: an RPC method has its own tag only when it is registered ({@code unknown} otherwise), close codes
 * beyond {@link #MAX_CLOSE_CODES} distinct ones are {@code other}.
 */
final class ServerMeters {
    private static final Logger log = LoggerFactory.getLogger(ServerMeters.class);

    /** The method tag of calls of a method that is not registered: clients must not choose the tags. */
    static final String UNKNOWN_METHOD = "unknown";

    /** Distinct close codes tagged as themselves; later ones are {@code other}. */
    static final int MAX_CLOSE_CODES = 64;

    /** The key of the {@code other} close code counter: no close code is negative. */
    private static final int OTHER_CODE = -1;

    /** Outcome tags, by index: ok, each {@link RpcErrorCode} (see {@link #outcome(RpcErrorCode)}), cancelled. */
    private static final String[] OUTCOMES = {
        "ok",
        "method_not_found",
        "invalid_params",
        "internal_server_error",
        "rate_limit_exceeded",
        "application_error",
        "access_denied",
        "cancelled"
    };

    static final int OK = 0;
    static final int CANCELLED = 7;

    private final MeterRegistry registry;
    private final @Nullable MeterRegistry given;
    private final @Nullable PrometheusMeterRegistry prometheus;
    private final @Nullable PrometheusMeterRegistry ownPrometheus;
    private final Queue<Meter> registered = new ConcurrentLinkedQueue<>();
    private final Queue<Collection<Meter>> sourceMeters = new ConcurrentLinkedQueue<>(); // read again at close
    private final Counter opened;
    private final Map<Integer, Counter> closed = new ConcurrentHashMap<>();
    private final Map<String, ProtocolMeters> protocols = new ConcurrentHashMap<>();
    private final RpcMeters unknownMethod;

    private ServerMeters(
            MeterRegistry registry,
            @Nullable MeterRegistry given,
            @Nullable PrometheusMeterRegistry prometheus,
            @Nullable PrometheusMeterRegistry ownPrometheus) {
        this.registry = registry;
        this.given = given;
        this.prometheus = prometheus;
        this.ownPrometheus = ownPrometheus;
        this.opened = keep(Counter.builder("tether.connections.opened")
                .description("WebSocket connections that completed their handshake")
                .register(registry));
        this.unknownMethod = new RpcMeters(this, UNKNOWN_METHOD);
    }

    /**
     * The meters of a server with {@code config}, or {@code null} when it has no registry and no metrics endpoint:
     * then nothing is registered or counted.
     */
    static @Nullable ServerMeters create(ServerConfig config) {
        MeterRegistry given = config.meterRegistry();
        if (!config.metricsEndpoint()) {
            return given == null ? null : new ServerMeters(given, given, null, null);
        }
        if (given instanceof PrometheusMeterRegistry prometheus) {
            return new ServerMeters(given, given, prometheus, null);
        }
        PrometheusMeterRegistry own = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        if (given == null) {
            return new ServerMeters(own, null, own, own);
        }
        // Meters go to both: the application's registry and the one /metrics reads.
        CompositeMeterRegistry both = new CompositeMeterRegistry(io.micrometer.core.instrument.Clock.SYSTEM);
        both.add(given);
        both.add(own);
        return new ServerMeters(both, given, own, own);
    }

    /** The registry /metrics reads, or {@code null} when the endpoint is off. */
    @Nullable
    PrometheusMeterRegistry prometheus() {
        return prometheus;
    }

    /** The Prometheus text of every meter in the registry /metrics reads. Blocks briefly: call it on a worker. */
    String scrape() {
        PrometheusMeterRegistry p = prometheus;
        return p == null ? "" : p.scrape();
    }

    private <M extends Meter> M keep(M meter) {
        registered.add(meter);
        return meter;
    }

    /** Binds the gauges and function counters over what the server counts anyway; once, when it starts. */
    void bindServer(
            SessionRegistry sessions,
            ChannelHub hub,
            ServerCounters counters,
            WorkerTasks workers,
            ClusterBroker broker) {
        gauge("tether.connections.open", sessions, SessionRegistry::connectionCount, "Connections open now");
        gauge(
                "tether.channels.subscribed",
                hub,
                ChannelHub::subscribedChannels,
                "Channel names and patterns with" + " a subscriber on this node");
        gauge("tether.worker.tasks.pending", workers, WorkerTasks::pending, "Worker tasks queued or running");
        functionCounter(
                "tether.channel.publications",
                counters,
                ServerCounters::published,
                "Publications made on this node or received from the cluster");
        functionCounter(
                "tether.channel.deliveries",
                counters,
                ServerCounters::delivered,
                "Channel messages queued for sessions");
        functionCounter(
                "tether.channel.unpositioned",
                counters,
                ServerCounters::unpositionedCount,
                "Publications on a channel with history that the broker gave no position");
        functionCounter(
                "tether.sends.refused",
                counters,
                ServerCounters::refusedSends,
                "Sends refused by a full session queue");
        functionCounter(
                "tether.worker.tasks.refused",
                workers,
                WorkerTasks::refusedTasks,
                "RPC calls, stream pulls and HTTP requests refused because the workers were full");
        for (InboundRateAction action : InboundRateAction.values()) {
            keep(FunctionCounter.builder(
                            "tether.inbound.rate.exceeded", counters, c -> c.inboundRateExceededCount(action))
                    .tag("action", action.name().toLowerCase(Locale.ROOT))
                    .description("Messages over a session's inbound rate, by the action taken")
                    .register(registry));
        }
        for (boolean connections : new boolean[] {true, false}) {
            keep(FunctionCounter.builder("tether.address.refused", counters, c -> c.refusedByAddressCount(connections))
                    .tag("limit", connections ? "connections" : "handshakes")
                    .description("Requests answered 429 by a per-address limit, by limit")
                    .register(registry));
        }
        for (SlowConsumerPolicy action : SlowConsumerPolicy.values()) {
            keep(FunctionCounter.builder("tether.slow.consumer", counters, c -> c.actions(action))
                    .tag("action", action.name().toLowerCase(Locale.ROOT))
                    .description("Slow-consumer actions taken, by action")
                    .register(registry));
        }
        // Netty allocates its pooled buffers without a Cleaner, so the JVM's direct buffer pool
        // (jvm.buffer.memory.used)
        // does not see them: only Netty's own counters do. Both are process-wide, like the JVM's meters.
        keep(Gauge.builder("tether.netty.direct.memory.used", PlatformDependent::usedDirectMemory)
                .description("Direct memory Netty has allocated in this process (-1 when Netty does not count it)")
                .baseUnit("bytes")
                .strongReference(true)
                .register(registry));
        if (ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider allocator) {
            keep(Gauge.builder(
                            "tether.netty.allocator.direct.used",
                            () -> allocator.metric().usedDirectMemory())
                    .description("Direct memory held by Netty's default allocator (its pool's chunks), in this process")
                    .baseUnit("bytes")
                    .strongReference(true)
                    .register(registry));
        }
        if (broker != ClusterBroker.local()) {
            gauge(
                    "tether.broker.connected",
                    broker,
                    b -> b.isConnected() ? 1 : 0,
                    "1 while the cluster broker is" + " connected, else 0");
            try {
                registered.addAll(broker.bindTo(registry));
            } catch (RuntimeException e) {
                log.warn("Cluster broker {} could not bind its meters", broker, e);
            }
        }
    }

    /**
     * Lets every mounted part that is a {@link MeterSource} (a WebSocket endpoint's listener, an HTTP endpoint, a
     * {@code closeWith} resource) register its meters; once, when the server starts, before it accepts connections.
     */
    void bindSources(ServerConfig config) {
        Set<Object> parts = Collections.newSetFromMap(new IdentityHashMap<>());
        config.webSocketEndpoints().values().forEach(endpoint -> parts.add(endpoint.listener()));
        parts.addAll(config.httpEndpoints().values());
        parts.addAll(config.closeWith());
        for (Object part : parts) {
            if (part instanceof MeterSource source) {
                try {
                    sourceMeters.add(source.bindTo(registry));
                } catch (RuntimeException e) {
                    log.warn("{} could not bind its meters", part, e);
                }
            }
        }
    }

    private <T> void gauge(String name, T object, ToDoubleFunction<T> value, String description) {
        keep(Gauge.builder(name, object, value)
                .description(description)
                .strongReference(true)
                .register(registry));
    }

    private <T> void functionCounter(String name, T object, ToDoubleFunction<T> value, String description) {
        keep(FunctionCounter.builder(name, object, value)
                .description(description)
                .register(registry));
    }

    /** The meters of connections speaking {@code protocol} ({@code json}, {@code msgpack}, or a raw endpoint's path). */
    ProtocolMeters protocol(String protocol) {
        ProtocolMeters meters = protocols.get(protocol);
        return meters != null ? meters : protocols.computeIfAbsent(protocol, p -> new ProtocolMeters(this, p));
    }

    /** The RPC meters of a registered method, made on its first call and held by its endpoint. */
    RpcMeters rpc(RpcEndpoint endpoint) {
        RpcMeters meters = endpoint.meters;
        if (meters == null) {
            meters = new RpcMeters(this, endpoint.name); // a racing call makes an equal one over the same meters
            endpoint.meters = meters;
        }
        return meters;
    }

    /** The RPC meters of calls of methods that are not registered. */
    RpcMeters unknownMethod() {
        return unknownMethod;
    }

    void opened() {
        opened.increment();
    }

    void closed(int code) {
        Counter counter = closed.get(code);
        if (counter == null) {
            int key = closed.size() >= MAX_CLOSE_CODES ? OTHER_CODE : code;
            counter = closed.computeIfAbsent(key, c -> closedCounter(c == OTHER_CODE ? "other" : Integer.toString(c)));
        }
        counter.increment();
    }

    private Counter closedCounter(String code) {
        return keep(Counter.builder("tether.connections.closed")
                .tag("code", code)
                .description("WebSocket connections closed, by close code (1006: no close frame)")
                .register(registry));
    }

    /** Removes every meter this server registered; closes the registry it made itself. */
    void close() {
        for (Collection<Meter> meters : sourceMeters) {
            registered.addAll(meters);
        }
        sourceMeters.clear();
        for (Meter meter : registered) {
            registry.remove(meter.getId());
            if (given != null && given != registry) {
                given.remove(meter.getId());
            }
        }
        registered.clear();
        if (ownPrometheus != null) {
            ownPrometheus.close();
        }
    }

    /** The outcome index of a call's last reply: {@link #OK} or its error code's. */
    static int outcome(RpcResponse response) {
        RpcErrorCode code = response.errorCode();
        return !response.isError() ? OK : outcome(code == null ? RpcErrorCode.INTERNAL_SERVER_ERROR : code);
    }

    /** The outcome index of a call that failed with {@code code}. */
    static int outcome(RpcErrorCode code) {
        return switch (code) {
            case METHOD_NOT_FOUND -> 1;
            case INVALID_PARAMS -> 2;
            case INTERNAL_SERVER_ERROR -> 3;
            case RATE_LIMIT_EXCEEDED -> 4;
            case APPLICATION_ERROR -> 5;
            case ACCESS_DENIED -> 6;
        };
    }

    /** The messages and bytes of one protocol, in and out. Any thread. */
    static final class ProtocolMeters {
        private final ServerMeters server;
        private final Counter received;
        private final Counter receivedBytes;
        private final Counter sent;
        private final Counter sentBytes;

        private ProtocolMeters(ServerMeters server, String protocol) {
            this.server = server;
            this.received = server.keep(Counter.builder("tether.messages.received")
                    .tag("protocol", protocol)
                    .description("WebSocket messages received, by protocol")
                    .register(server.registry));
            this.receivedBytes = server.keep(Counter.builder("tether.received.bytes")
                    .baseUnit("bytes")
                    .tag("protocol", protocol)
                    .description("Payload bytes of the WebSocket messages received, by protocol")
                    .register(server.registry));
            this.sent = server.keep(Counter.builder("tether.messages.sent")
                    .tag("protocol", protocol)
                    .description("WebSocket messages written, by protocol")
                    .register(server.registry));
            this.sentBytes = server.keep(Counter.builder("tether.sent.bytes")
                    .baseUnit("bytes")
                    .tag("protocol", protocol)
                    .description("Payload bytes of the WebSocket messages written, by protocol")
                    .register(server.registry));
        }

        ServerMeters server() {
            return server;
        }

        void received(int bytes) {
            received.increment();
            receivedBytes.increment(bytes);
        }

        void sent(int bytes) {
            sent.increment();
            sentBytes.increment(bytes);
        }
    }

    /** The calls of one RPC method by outcome, each a timer of their latency; made on the first of each outcome. */
    static final class RpcMeters {
        private final ServerMeters server;
        private final String method;
        private final AtomicReferenceArray<Timer> timers = new AtomicReferenceArray<>(OUTCOMES.length);

        private RpcMeters(ServerMeters server, String method) {
            this.server = server;
            this.method = method;
        }

        /** A call that started at {@code startNanos} on the server's clock ended now with {@code outcome}. */
        void record(int outcome, long startNanos, long nowNanos) {
            Timer timer = timers.get(outcome);
            if (timer == null) {
                timer = server.keep(Timer.builder("tether.rpc.calls")
                        .tag("method", method)
                        .tag("outcome", OUTCOMES[outcome])
                        .description("RPC calls by method and outcome, with their time from request to last reply")
                        .publishPercentileHistogram()
                        .minimumExpectedValue(Duration.ofNanos(100_000))
                        .maximumExpectedValue(Duration.ofSeconds(60))
                        .register(server.registry));
                timers.set(outcome, timer); // a racing call finds the same timer in the registry
            }
            timer.record(Math.max(0, nowNanos - startNanos), TimeUnit.NANOSECONDS);
        }
    }
}
