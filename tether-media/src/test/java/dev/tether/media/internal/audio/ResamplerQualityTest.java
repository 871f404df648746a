package dev.tether.media.internal.audio;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Measures the resampler's quality for every rate pair, asserts it and prints the numbers that docs/media.md ("Resampling")
 * quotes (surefire writes them to {@code target/surefire-reports/*ResamplerQualityTest-output.txt}).
 */
class ResamplerQualityTest {
    private static final double AMPLITUDE = 0.5;
    // Chunks of 160, 333 and 7 samples, so every measurement also crosses chunk boundaries at odd places.
    private static final int[] CHUNK_BYTES = {320, 666, 14};

    static List<Arguments> pairs() {
        return ResamplerTest.pairs();
    }

    static List<Arguments> downsamplingPairs() {
        return pairs().stream()
                .filter(pair -> (int) pair.get()[0] > (int) pair.get()[1])
                .toList();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("pairs")
    void tonesInThePassbandComeOutUnchanged(int from, int to) {
        double edge = PolyphaseFilter.PASSBAND_EDGE * Math.min(from, to) / 2;
        double worstGainDb = 0;
        double worstPhase = 0;
        double worstResidualDb = -200;
        int steps = 40;
        for (int step = 0; step <= steps; step++) {
            double frequency = 100 + (edge - 100) * step / steps;
            short[] output = Signals.samples(Signals.resampleInChunks(
                    from, to, Signals.sine(from, frequency, AMPLITUDE, from / 4), CHUNK_BYTES));
            int settled = settledFrom(from, to);
            Signals.Fit fit = Signals.fit(output, to, frequency, settled, output.length - settled);

            double gainDb = Signals.db(fit.amplitude() / AMPLITUDE);
            worstGainDb = Math.abs(gainDb) > Math.abs(worstGainDb) ? gainDb : worstGainDb;
            worstPhase = Math.max(worstPhase, Math.abs(fit.phase()));
            worstResidualDb = Math.max(worstResidualDb, Signals.db(fit.residualRms() / (AMPLITUDE / Math.sqrt(2))));
        }
        System.out.printf(
                "sweep %5d -> %5d: 100..%.0f Hz, worst gain %+.4f dB, worst phase %.5f rad, worst residual %.1f dB%n",
                from, to, edge, worstGainDb, worstPhase, worstResidualDb);

        assertThat(Math.abs(worstGainDb)).isLessThan(0.01);
        // The output is aligned with the input: a sine that starts at sample 0 comes out starting at sample 0.
        assertThat(worstPhase).isLessThan(0.001);
        // Images, aliases and rounding together, relative to the tone; rounding to 16 bits alone is -92 dB.
        assertThat(worstResidualDb).isLessThan(-80);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("downsamplingPairs")
    void tonesAboveTheNewNyquistFrequencyAreStopped(int from, int to) {
        // An output that rounds to silence everywhere leaks less than rounding can show: count it as -inf dB.
        double worstDb = Double.NEGATIVE_INFINITY;
        double worstFrequency = 0;
        double[] frequencies = new double[31];
        for (int i = 0; i < 30; i++) {
            frequencies[i] = to / 2.0 + (from / 2.0 - to / 2.0) * i / 30;
        }
        frequencies[30] = 0.75 * to; // 6 kHz at 8 kHz, the example of the brief
        for (double frequency : frequencies) {
            short[] output = Signals.samples(Signals.resampleInChunks(
                    from, to, Signals.sine(from, frequency, AMPLITUDE, from / 4), CHUNK_BYTES));
            int settled = settledFrom(from, to);
            double db = Signals.db(Signals.rms(output, settled, output.length - settled) / (AMPLITUDE / Math.sqrt(2)));
            if (db > worstDb) {
                worstDb = db;
                worstFrequency = frequency;
            }
        }
        System.out.printf(
                "stop  %5d -> %5d: %.0f..%.0f Hz, worst leak %s%n",
                from,
                to,
                to / 2.0,
                from / 2.0,
                worstDb == Double.NEGATIVE_INFINITY
                        ? "none (every output sample rounds to 0)"
                        : String.format("%.1f dB at %.0f Hz", worstDb, worstFrequency));

        assertThat(worstDb).isLessThan(-80);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("pairs")
    void filterResponseMeetsItsDesign(int from, int to) {
        PolyphaseFilter filter = PolyphaseFilter.forRates(from, to);
        double[] h = filter.impulseResponse();
        double upsampledRate = (double) from * filter.up;
        double nyquist = Math.min(from, to) / 2.0;
        double edge = PolyphaseFilter.PASSBAND_EDGE * nyquist;
        double ripple = 0;
        for (int i = 0; i <= 2000; i++) {
            ripple = Math.max(ripple, Math.abs(Signals.db(magnitude(h, edge * i / 2000 / upsampledRate))));
        }
        double stopband = -400;
        for (int i = 0; i <= 8000; i++) {
            double frequency = nyquist + (upsampledRate / 2 - nyquist) * i / 8000;
            stopband = Math.max(stopband, Signals.db(magnitude(h, frequency / upsampledRate)));
        }
        double delayMs = 1000.0 * filter.centre / upsampledRate;
        System.out.printf(
                "filter %5d -> %5d: %d/%d, %d taps per branch (%d MACs per output), passband ripple ±%.4f dB up to"
                        + " %.0f Hz, stopband %.1f dB from %.0f Hz, delay %.2f input samples = %.2f output samples ="
                        + " %.3f ms%n",
                from,
                to,
                filter.up,
                filter.down,
                filter.taps,
                filter.taps,
                ripple,
                edge,
                stopband,
                nyquist,
                filter.centre / (double) filter.up,
                filter.centre / (double) filter.down,
                delayMs);

        assertThat(ripple).isLessThan(0.01);
        assertThat(stopband).isLessThan(-79.5);
    }

    /** The first output sample (and the distance from the end) where the filter no longer sees the edges. */
    private static int settledFrom(int from, int to) {
        PolyphaseFilter filter = PolyphaseFilter.forRates(from, to);
        return 2 * filter.up * filter.taps / filter.down + 8;
    }

    /** |H(f)| of the impulse response at {@code frequency} in cycles per sample. */
    private static double magnitude(double[] h, double frequency) {
        double re = 0;
        double im = 0;
        for (int j = 0; j < h.length; j++) {
            re += h[j] * Math.cos(2 * Math.PI * frequency * j);
            im -= h[j] * Math.sin(2 * Math.PI * frequency * j);
        }
        return Math.hypot(re, im);
    }
}
