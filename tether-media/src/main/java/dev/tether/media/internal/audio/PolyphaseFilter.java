package dev.tether.media.internal.audio;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The coefficient table of a rational resampler that raises the rate by {@code up} and lowers it by {@code down}
 * (8 kHz to 24 kHz is 3/1, 24 kHz to 16 kHz is 2/3): a Kaiser-windowed sinc low-pass at {@code up} times the
 * input rate, split into {@code up} polyphase branches. Immutable; one table per ratio is built on first use and
 * shared by every resampler with that ratio.
 *
 * <p>The low-pass passes up to {@value #PASSBAND_EDGE} of the lower rate's Nyquist frequency and stops from that
 * Nyquist frequency on, so no tone the output cannot carry folds back into the band it can.
 */
final class PolyphaseFilter {
    /** Where the passband ends, as a fraction of the lower rate's Nyquist frequency. */
    static final double PASSBAND_EDGE = 0.9;
    /** The stopband attenuation the Kaiser window is designed for, in dB. */
    static final double ATTENUATION_DB = 80;

    private static final ConcurrentHashMap<Integer, PolyphaseFilter> CACHE = new ConcurrentHashMap<>();

    final int up;
    final int down;
    /** Taps per branch, a multiple of 4 so the dot product can run four sums side by side. */
    final int taps;
    /** The filter's centre on the upsampled grid: the delay of its linear phase, in upsampled samples. */
    final int centre;
    /**
     * Branch {@code p} occupies {@code [p * taps, (p + 1) * taps)}, reversed so that it lines up with the input
     * oldest-first, each branch scaled to a gain of exactly 1 at DC.
     */
    final float[] coefficients;

    private PolyphaseFilter(int up, int down) {
        this.up = up;
        this.down = down;
        // Both rates are multiples of one base rate, so the cut-off as a fraction of the upsampled rate
        // depends on the ratio alone: the lower rate's Nyquist is 1 / (2 * max(up, down)) of it.
        double nyquist = 0.5 / Math.max(up, down);
        double transition = (1 - PASSBAND_EDGE) * nyquist;
        double cutoff = nyquist - transition / 2;
        // Kaiser's estimates of the order and of the window's shape for the attenuation and transition width.
        int order = (int) Math.ceil((ATTENUATION_DB - 7.95) / (2.285 * 2 * Math.PI * transition));
        order += order & 1;
        double beta = 0.1102 * (ATTENUATION_DB - 8.7);
        this.centre = order / 2;
        double[] prototype = new double[order + 1];
        double windowNorm = besselI0(beta);
        for (int j = 0; j <= order; j++) {
            double x = (j - centre) / (double) centre;
            double window = besselI0(beta * Math.sqrt(Math.max(0, 1 - x * x))) / windowNorm;
            prototype[j] = 2 * cutoff * sinc(2 * cutoff * (j - centre)) * window;
        }
        int branchTaps = (order + up) / up;
        this.taps = (branchTaps + 3) & ~3;
        this.coefficients = new float[up * taps];
        for (int phase = 0; phase < up; phase++) {
            double sum = 0;
            for (int k = 0; k < taps && phase + k * up <= order; k++) {
                sum += prototype[phase + k * up];
            }
            for (int k = 0; k < taps && phase + k * up <= order; k++) {
                coefficients[phase * taps + taps - 1 - k] = (float) (prototype[phase + k * up] / sum);
            }
        }
    }

    /** Returns the shared table for resampling from {@code fromRate} to {@code toRate}. */
    static PolyphaseFilter forRates(int fromRate, int toRate) {
        int divisor = gcd(fromRate, toRate);
        int up = toRate / divisor;
        int down = fromRate / divisor;
        return CACHE.computeIfAbsent(up * 1000 + down, key -> new PolyphaseFilter(up, down));
    }

    /**
     * Returns the impulse response the table realizes on the upsampled grid, scaled to a gain of 1 at DC: what the
     * quality measurements transform.
     */
    double[] impulseResponse() {
        double[] response = new double[up * taps];
        for (int phase = 0; phase < up; phase++) {
            for (int k = 0; k < taps; k++) {
                response[phase + k * up] = coefficients[phase * taps + taps - 1 - k] / (double) up;
            }
        }
        return response;
    }

    private static double sinc(double x) {
        return x == 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
    }

    /** The modified Bessel function of the first kind, order 0, by its power series. */
    private static double besselI0(double x) {
        double sum = 1;
        double term = 1;
        double halfX = x / 2;
        for (int k = 1; term > 1e-12 * sum; k++) {
            double factor = halfX / k;
            term *= factor * factor;
            sum += term;
        }
        return sum;
    }

    private static int gcd(int a, int b) {
        return b == 0 ? a : gcd(b, a % b);
    }
}
