package dev.tether.cli.soak;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The growth detector on recorded series: flat, noisy, growing, and growing only during the warm-up. */
class GrowthTest {
    private static final double MIB = 1 << 20;
    private static final Growth.Limit HEAP = new Growth.Limit("heap after GC", "bytes", 4 * MIB, 0.10);
    private static final Growth.Limit THREADS = new Growth.Limit("live threads", "threads", 4, 0.10);

    /** Heap after GC of a 10-minute soak every 10 s, in MiB: flat around 12.5 after the first minute. */
    private static final double[] FLAT_HEAP_MIB = {
        13.3, 12.5, 12.5, 12.5, 13.6, 12.6, 12.7, 12.4, 12.9, 12.6, 12.5, 13.1, 12.6, 12.8, 12.5, 12.6, 12.4, 12.7,
        13.0, 12.6, 12.5, 12.6, 12.8, 12.5, 12.9, 12.6, 12.7, 12.5, 12.6, 12.6
    };

    @Test
    void aFlatSeriesDidNotGrow() {
        Growth.Verdict v = Growth.judge(HEAP, seconds(FLAT_HEAP_MIB.length), mib(FLAT_HEAP_MIB), 6);

        assertThat(v.measured()).isTrue();
        assertThat(v.grew()).isFalse();
        assertThat(v.middle()).isEqualTo(12.6 * MIB, org.assertj.core.data.Offset.offset(0.2 * MIB));
    }

    @Test
    void aHeapGrowingByOneMibASampleGrew() {
        double[] leaking = IntStream.range(0, 30).mapToDouble(i -> 12.5 + i).toArray();

        Growth.Verdict v = Growth.judge(HEAP, seconds(30), mib(leaking), 6);

        assertThat(v.grew()).isTrue();
        assertThat(v.growth()).isEqualTo(8 * MIB); // the medians of samples 14..21 and 22..29
        assertThat(v.describe())
                .startsWith("heap after GC: 30.0 MiB -> 38.0 MiB")
                .contains("+8.0 MiB (allowed: 4.0 MiB)");
    }

    @Test
    void growthBeyondTheAbsoluteToleranceButWithinTheRelativeOneDidNotGrow() {
        // 1 GiB of heap growing by 80 MiB: more than 4 MiB, less than 10 %.
        double[] values = new double[30];
        for (int i = 0; i < values.length; i++) {
            values[i] = 1024 + (i >= 20 ? 80 : 0);
        }
        assertThat(Growth.judge(HEAP, seconds(30), mib(values), 0).grew()).isFalse();
        values[25] = 1024 + 200;
        for (int i = 20; i < 30; i++) {
            values[i] = 1024 + 120;
        }
        assertThat(Growth.judge(HEAP, seconds(30), mib(values), 0).grew()).isTrue();
    }

    @Test
    void oneSpikeInTheLastThirdIsNotGrowth() {
        double[] threads = new double[30];
        java.util.Arrays.fill(threads, 27);
        threads[28] = 60; // a burst of worker threads in one sample

        assertThat(Growth.judge(THREADS, seconds(30), threads, 6).grew()).isFalse();
    }

    @Test
    void threadsLeakingOneASampleGrew() {
        double[] threads = IntStream.range(0, 30).mapToDouble(i -> 27 + i).toArray();

        Growth.Verdict v = Growth.judge(THREADS, seconds(30), threads, 6);

        assertThat(v.grew()).isTrue();
        assertThat(v.growth()).isEqualTo(8);
        assertThat(v.slopePerHour()).isEqualTo(360, org.assertj.core.data.Offset.offset(0.001)); // 1 per 10 s
    }

    @Test
    void growthDuringTheWarmupIsLeftOut() {
        // rising by 10 MiB a sample for the first 20 samples, then flat
        double[] values =
                IntStream.range(0, 30).mapToDouble(i -> Math.min(i, 20) * 10.0).toArray();

        assertThat(Growth.judge(HEAP, seconds(30), mib(values), 20).grew()).isFalse();
        assertThat(Growth.judge(HEAP, seconds(30), mib(values), 0).grew()).isTrue();
    }

    @Test
    void aSeriesTheServerDoesNotExportIsNotMeasured() {
        double[] absent = new double[10];
        java.util.Arrays.fill(absent, -1);

        Growth.Verdict v = Growth.judge(HEAP, seconds(10), absent, 0);

        assertThat(v.measured()).isFalse();
        assertThat(v.grew()).isFalse();
        assertThat(v.describe()).isEqualTo("heap after GC: not measured");
    }

    @Test
    void fewerThanThreeSamplesAfterTheWarmupCannotBeJudged() {
        assertThat(Growth.judge(THREADS, seconds(4), new double[] {1, 2, 50, 90}, 2)
                        .measured())
                .isFalse();
    }

    @Test
    void theSoakFailsNamingTheResourceThatGrewAndOnlyThatOne() {
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            // file descriptors leak: 4 a sample, 32 between the medians; everything else is flat
            samples.add(new Sample(
                    10 * (i + 1),
                    13 * MIB,
                    13 * MIB,
                    4 * MIB,
                    4 * MIB,
                    4 * MIB,
                    27,
                    200 + 4 * i,
                    185,
                    8.0,
                    10_000,
                    0,
                    20,
                    100 * i,
                    20));
        }

        List<Growth.Verdict> verdicts = Soak.judge(samples, 6);

        assertThat(verdicts)
                .filteredOn(Growth.Verdict::grew)
                .singleElement()
                .satisfies(v -> assertThat(v.limit().resource()).isEqualTo("open file descriptors"));
        assertThat(verdicts).allMatch(Growth.Verdict::measured);
    }

    private static double[] seconds(int n) {
        return IntStream.range(0, n).mapToDouble(i -> 10.0 * (i + 1)).toArray();
    }

    private static double[] mib(double[] values) {
        double[] bytes = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = values[i] * MIB;
        }
        return bytes;
    }
}
