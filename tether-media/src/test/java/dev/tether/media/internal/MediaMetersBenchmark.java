package dev.tether.media.internal;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the media meters add per frame, exactly as {@link MediaConnection} calls them: per paced chunk sent, the chunk
 * counter, the bytes counter and the pacing lateness (two adders and a compare); per audio frame received, two counters. {@code none} is
 * a server without a registry: the null check alone. The other registries are the two a server is given most.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MediaMetersBenchmark {
    @Param({"none", "prometheus", "simple"})
    String registry;

    private @Nullable MediaMeters meters;
    private long lateness;

    @Setup
    public void create() {
        MeterRegistry r = switch (registry) {
            case "none" -> null;
            case "prometheus" -> new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            default -> new SimpleMeterRegistry();
        };
        meters = r == null ? null : new MediaMeters(r, "/media");
    }

    @Benchmark
    public void chunkSent() {
        MediaMeters m = meters;
        if (m != null) {
            m.audioSent(960);
            m.paced(lateness = (lateness + 7_919) & 0x3F_FFFF); // 0 to 4.2 ms: some over 2 ms
        }
    }

    @Benchmark
    public void audioReceived() {
        MediaMeters m = meters;
        if (m != null) {
            m.audioReceived(640);
        }
    }
}
