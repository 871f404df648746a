package dev.tether.media.internal.audio;

import java.util.concurrent.TimeUnit;
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
 * Converting one 20 ms chunk of speech-band noise, as a telephony session does 50 times a second in each
 * direction: {@code 24000:8000} is a voice bot's reply on its way to a phone, {@code 8000:16000} the caller on
 * the way to speech recognition. The time per chunk divided into 20 ms is how many sessions one core carries.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ResamplerBenchmark {
    @Param({"24000:8000", "8000:16000", "48000:8000", "8000:24000"})
    String rates;

    private Resampler resampler;
    private byte[] chunk;

    @Setup
    public void create() {
        String[] pair = rates.split(":");
        int from = Integer.parseInt(pair[0]);
        resampler = Resampler.create(from, Integer.parseInt(pair[1]));
        chunk = Signals.noise(from / 50, 1);
    }

    @Benchmark
    public byte[] twentyMilliseconds() {
        return resampler.process(chunk);
    }
}
