package dev.tether.media.internal.audio;

import static dev.tether.media.internal.audio.Signals.RATES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ResamplerTest {

    static List<Arguments> pairs() {
        List<Arguments> pairs = new ArrayList<>();
        for (int from : RATES) {
            for (int to : RATES) {
                if (from != to) {
                    pairs.add(Arguments.of(from, to));
                }
            }
        }
        return pairs;
    }

    @Test
    void rejectsRatesOtherThanTheFour() {
        assertThatThrownBy(() -> Resampler.create(11025, 8000))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("fromRate: 11025 (expected: one of 8000, 16000, 24000, 48000)");
        assertThatThrownBy(() -> Resampler.create(8000, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("toRate: 0 (expected: one of 8000, 16000, 24000, 48000)");
    }

    @Test
    void equalRatesHandBackTheInput() {
        Resampler resampler = Resampler.create(16000, 16000);
        byte[] pcm = Signals.noise(333, 1);

        assertThat(resampler.process(pcm)).isSameAs(pcm);
        assertThat(resampler.flush()).isEmpty();
        assertThat(resampler.fromRate()).isEqualTo(16000);
        assertThat(resampler.toRate()).isEqualTo(16000);
    }

    @Test
    void reportsItsRates() {
        Resampler resampler = Resampler.create(24000, 8000);

        assertThat(resampler.fromRate()).isEqualTo(24000);
        assertThat(resampler.toRate()).isEqualTo(8000);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("pairs")
    void chunkedOutputEqualsOneShotOutput(int from, int to) {
        byte[] input = Signals.noise(from / 2 + 17, 42);

        byte[] oneShot = Signals.resampleInChunks(from, to, input, input.length);

        assertThat(Signals.resampleInChunks(from, to, input, 320, 666, 14)).isEqualTo(oneShot);
        // Odd byte counts split samples across calls.
        assertThat(Signals.resampleInChunks(from, to, input, 321, 1, 7, 999, 0)).isEqualTo(oneShot);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("pairs")
    void outputLengthAfterFlushIsInputLengthTimesTheRatio(int from, int to) {
        for (int samples : new int[] {0, 1, 2, 3, 7, 160, 333, 4801}) {
            byte[] output = Signals.resampleInChunks(from, to, Signals.noise(samples, samples), 320);

            long expected = ((long) samples * to + from - 1) / from;
            assertThat(output.length / 2).as("%d samples", samples).isEqualTo(expected);
        }
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("pairs")
    void processHoldsBackOnlyTheFilterDelay(int from, int to) {
        PolyphaseResampler resampler = (PolyphaseResampler) Resampler.create(from, to);
        int samples = from / 10;

        int ready = resampler.process(Signals.noise(samples, 7)).length / 2;

        double expected = (double) samples * to / from;
        assertThat(ready).isLessThanOrEqualTo((int) Math.ceil(expected));
        assertThat(ready).isGreaterThanOrEqualTo((int) Math.floor(expected - resampler.delayOutputSamples()) - 1);
        assertThat(ready + resampler.flush().length / 2).isEqualTo((int) Math.ceil(expected));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("pairs")
    void constantInputComesOutExactly(int from, int to) {
        short[] constant = new short[from / 10];
        Arrays.fill(constant, (short) -12345);

        short[] output = Signals.samples(Signals.resampleInChunks(from, to, Signals.pcm(constant), 333));

        // Away from the edges, where the filter sees the silence before and after the stream.
        int margin = output.length / 4;
        assertThat(Arrays.copyOfRange(output, margin, output.length - margin)).containsOnly((short) -12345);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("pairs")
    void flushStartsANewStream(int from, int to) {
        Resampler resampler = Resampler.create(from, to);
        byte[] first = Signals.noise(1000, 3);
        byte[] second = Signals.sine(from, 440, 0.5, 900);
        resampler.process(first);
        resampler.process(new byte[] {1});
        resampler.flush();

        byte[] again = concat(resampler.process(second), resampler.flush());

        assertThat(again).isEqualTo(Signals.resampleInChunks(from, to, second, second.length));
    }

    @Test
    void overshootBeyondFullScaleIsClampedNotWrapped() {
        // A full-scale square wave rings above full scale after band-limiting (Gibbs); without clamping the peaks
        // would wrap around to the opposite sign.
        short[] square = new short[8000];
        for (int i = 0; i < square.length; i++) {
            square[i] = (i / 40) % 2 == 0 ? Short.MAX_VALUE : Short.MIN_VALUE;
        }

        short[] output = Signals.samples(Signals.resampleInChunks(8000, 48000, Signals.pcm(square), 320));

        int largestStep = 0;
        for (int i = 1; i < output.length; i++) {
            largestStep = Math.max(largestStep, Math.abs(output[i] - output[i - 1]));
        }
        assertThat(output).contains(Short.MAX_VALUE, Short.MIN_VALUE);
        assertThat(largestStep).isLessThan(32768);
    }

    @Test
    void emptyChunksProduceEmptyOutput() {
        Resampler resampler = Resampler.create(8000, 16000);

        assertThat(resampler.process(new byte[0])).isEmpty();
        assertThat(resampler.flush()).isEmpty();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] joined = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, joined, a.length, b.length);
        return joined;
    }
}
