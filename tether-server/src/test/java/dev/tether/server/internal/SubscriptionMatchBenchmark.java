package dev.tether.server.internal;

import dev.tether.core.ChannelPattern;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Finding the subscribers of one publication, with 10,000 sessions subscribed to exact names and 1,000 patterns:
 * the channel lookup every publish pays before it writes anything.
 *
 * <ul>
 *   <li>{@code exactHit}: a channel with one exact subscriber and no matching pattern.
 *   <li>{@code patternHit}: a channel matched by a few of the 1,000 patterns (served from the match cache).
 *   <li>{@code miss}: a channel nobody subscribes to.
 *   <li>{@code patternHitAfterChange}: a pattern is added and removed before each call, so the cache entry is stale
 *       and the channel is matched against all 1,000 patterns again (the worst case).
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SubscriptionMatchBenchmark {
    @Param({"10000"})
    int exactSubscribers;

    @Param({"1000"})
    int patterns;

    private final SubscriptionIndex<Integer> index = new SubscriptionIndex<>();
    private Blackhole sink;
    private BiConsumer<Integer, String> consumer;

    @Setup(Level.Trial)
    public void subscribe(Blackhole blackhole) {
        sink = blackhole;
        consumer = (session, via) -> sink.consume(session);
        for (int i = 0; i < exactSubscribers; i++) {
            index.add("user." + i, null, i);
        }
        for (int i = 0; i < patterns; i++) {
            String pattern = "room." + i + ".*";
            index.add(pattern, ChannelPattern.compile(pattern), exactSubscribers + i);
        }
        index.add("room.7.*", ChannelPattern.compile("room.7.*"), -1);
        index.add("room.?.chat", ChannelPattern.compile("room.?.chat"), -2);
    }

    @Benchmark
    public void exactHit() {
        index.forEachSubscriber("user.4711", consumer);
    }

    @Benchmark
    public void patternHit() {
        index.forEachSubscriber("room.7.chat", consumer);
    }

    @Benchmark
    public void miss() {
        index.forEachSubscriber("nobody.here", consumer);
    }

    @Benchmark
    public void patternHitAfterChange() {
        ChannelPattern extra = ChannelPattern.compile("extra.*");
        index.add("extra.*", extra, -3);
        index.remove("extra.*", -3);
        index.forEachSubscriber("room.7.chat", consumer);
    }
}
