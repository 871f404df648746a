package dev.tether.media.internal.audio;

import java.io.ByteArrayOutputStream;

/** Test signals and measurements for the resampler tests. */
final class Signals {
    static final int[] RATES = {8000, 16000, 24000, 48000};

    private Signals() {}

    /** A sine of {@code amplitude} (a fraction of full scale) at {@code frequency}, starting at phase 0. */
    static byte[] sine(int rate, double frequency, double amplitude, int samples) {
        short[] values = new short[samples];
        for (int i = 0; i < samples; i++) {
            values[i] = (short) Math.round(amplitude * 32767 * Math.sin(2 * Math.PI * frequency * i / rate));
        }
        return pcm(values);
    }

    /** White noise from a fixed seed, at half of full scale. */
    static byte[] noise(int samples, long seed) {
        java.util.Random random = new java.util.Random(seed);
        short[] values = new short[samples];
        for (int i = 0; i < samples; i++) {
            values[i] = (short) (random.nextGaussian() * 6000);
        }
        return pcm(values);
    }

    /** Feeds {@code input} to a fresh resampler in chunks of the given byte sizes, in turn, then flushes. */
    static byte[] resampleInChunks(int fromRate, int toRate, byte[] input, int... chunkBytes) {
        Resampler resampler = Resampler.create(fromRate, toRate);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int offset = 0;
        for (int i = 0; offset < input.length; i++) {
            int length = Math.min(chunkBytes[i % chunkBytes.length], input.length - offset);
            byte[] chunk = java.util.Arrays.copyOfRange(input, offset, offset + length);
            out.writeBytes(resampler.process(chunk));
            offset += length;
        }
        out.writeBytes(resampler.flush());
        return out.toByteArray();
    }

    static short[] samples(byte[] pcm) {
        short[] values = new short[pcm.length / 2];
        for (int i = 0; i < values.length; i++) {
            values[i] = (short) ((pcm[2 * i] & 0xFF) | (pcm[2 * i + 1] << 8));
        }
        return values;
    }

    static byte[] pcm(short[] values) {
        byte[] pcm = new byte[values.length * 2];
        for (int i = 0; i < values.length; i++) {
            pcm[2 * i] = (byte) values[i];
            pcm[2 * i + 1] = (byte) (values[i] >> 8);
        }
        return pcm;
    }

    /**
     * Fits {@code a sin + b cos} at {@code frequency} to samples {@code from..to} by least squares: the tone's
     * amplitude and phase relative to a sine starting at sample 0, and what the tone leaves unexplained.
     */
    static Fit fit(short[] samples, int rate, double frequency, int from, int to) {
        double ss = 0;
        double sc = 0;
        double cc = 0;
        double ys = 0;
        double yc = 0;
        for (int i = from; i < to; i++) {
            double angle = 2 * Math.PI * frequency * i / rate;
            double s = Math.sin(angle);
            double c = Math.cos(angle);
            ss += s * s;
            sc += s * c;
            cc += c * c;
            ys += samples[i] * s;
            yc += samples[i] * c;
        }
        double determinant = ss * cc - sc * sc;
        double a = (ys * cc - yc * sc) / determinant;
        double b = (yc * ss - ys * sc) / determinant;
        double residual = 0;
        for (int i = from; i < to; i++) {
            double angle = 2 * Math.PI * frequency * i / rate;
            double error = samples[i] - a * Math.sin(angle) - b * Math.cos(angle);
            residual += error * error;
        }
        return new Fit(Math.hypot(a, b) / 32767, Math.atan2(b, a), Math.sqrt(residual / (to - from)) / 32767);
    }

    /** Root mean square of samples {@code from..to}, as a fraction of full scale. */
    static double rms(short[] samples, int from, int to) {
        double sum = 0;
        for (int i = from; i < to; i++) {
            sum += (double) samples[i] * samples[i];
        }
        return Math.sqrt(sum / (to - from)) / 32767;
    }

    static double db(double ratio) {
        return 20 * Math.log10(ratio);
    }

    /** A fitted tone: its amplitude as a fraction of full scale, its phase in radians, and the residual's RMS. */
    record Fit(double amplitude, double phase, double residualRms) {}
}
