package dev.tether.media.internal.audio;

import java.util.Arrays;

/**
 * Resamples by a rational factor {@code up/down} with a polyphase Kaiser-windowed sinc filter ({@link
 * PolyphaseFilter}): each output sample is one dot product of a filter branch with the newest input, so the
 * cost per output is the branch length, and nothing is allocated per sample (the output array per call, and the
 * history buffer when a chunk is larger than any before it).
 *
 * <p>Why our own: javax.sound's {@code AudioSystem} converts a whole {@code AudioInputStream} pulled through it,
 * not chunks pushed by a transport, and its default rate conversion interpolates linearly with no anti-alias
 * filter (a 6 kHz tone taken from 48 kHz to 8 kHz comes out as a 2 kHz tone at 0 dB); its optional sinc mode
 * droops 6.8 dB at 3 kHz. TarsosDSP, which has a resampler, is GPL-3.0 and its own releases are not on Maven
 * Central. A streaming polyphase filter is about 200 lines.
 *
 * <p>Measured quality, the same for all twelve pairs of 8, 16, 24 and 48 kHz to within 0.2 dB
 * ({@code ResamplerQualityTest}, see docs/media.md, "Resampling"):
 *
 * <ul>
 *   <li>passband (up to 0.9 of the lower Nyquist frequency: 3.6 kHz when 8 kHz is involved): ripple ±0.001 dB
 *       by the filter's response; a sine sweep at half of full scale through chunks of 160, 333 and 7 samples
 *       comes out within ±0.0004 dB, with no phase shift, and with everything that is not the tone (images,
 *       aliases, rounding) 86 to 91 dB below it, near the -92 dB of rounding to 16 bits alone;
 *   <li>stopband (from the lower Nyquist frequency up): at least 79.8 dB attenuation by the response; tones
 *       above the new Nyquist frequency leak at most -82.4 dB into the output when downsampling;
 *   <li>delay: the output is aligned with the input (the filter's linear-phase delay is taken out), but
 *       {@link #process} holds back the input the filter still needs: 6.3 ms when 8 kHz is involved, 3.1 ms for
 *       16 with 24 or 48 kHz, 2.1 ms for 24 with 48 kHz (inversely proportional to the transition band, which is
 *       a tenth of the lower Nyquist frequency);
 *   <li>cost: 104 to 608 multiply-adds per output sample (304 for 24 to 8 kHz).
 * </ul>
 */
final class PolyphaseResampler implements Resampler {
    private static final byte[] EMPTY = new byte[0];

    private final int fromRate;
    private final int toRate;
    private final PolyphaseFilter filter;
    private final int up;
    private final int down;
    private final int taps;
    private final float[] coefficients;

    /**
     * Input samples as floats, oldest first: the {@code taps - 1} (or so) samples the next output still reaches
     * back to, then the chunk being converted. Reused between calls and grown when a chunk does not fit.
     */
    private float[] history;
    /** How many samples at the front of {@link #history} are kept from earlier calls. */
    private int held;
    /**
     * Where the next output sample lies on the upsampled grid, counted from {@code history[0]}, with the filter's
     * centre added: the newest input it needs is {@code history[position / up]}.
     */
    private int position;
    /** The low byte of a sample whose high byte is still to come, or -1. */
    private int pendingByte;

    private long inputSamples;
    private long outputSamples;

    PolyphaseResampler(int fromRate, int toRate) {
        this.fromRate = fromRate;
        this.toRate = toRate;
        this.filter = PolyphaseFilter.forRates(fromRate, toRate);
        this.up = filter.up;
        this.down = filter.down;
        this.taps = filter.taps;
        this.coefficients = filter.coefficients;
        this.history = new float[taps + 2 * fromRate / 50];
        reset();
    }

    @Override
    public byte[] process(byte[] pcm) {
        int available = append(pcm);
        long ready = position < (long) available * up ? ((long) available * up - position + down - 1) / down : 0;
        byte[] out = new byte[Math.toIntExact(ready * 2)];
        convert(out, (int) ready);
        keepHistory(available);
        return out;
    }

    @Override
    public byte[] flush() {
        long remaining = (inputSamples * up + down - 1) / down - outputSamples;
        byte[] out = EMPTY;
        if (remaining > 0) {
            // Pad with the silence the stream is taken to go on with, up to the newest input the last output needs.
            long lastNeeded = (position + (remaining - 1) * down) / up;
            int padded = Math.toIntExact(lastNeeded + 1);
            if (padded > held) {
                ensureCapacity(padded);
                Arrays.fill(history, held, padded, 0f);
                held = padded;
            }
            out = new byte[Math.toIntExact(remaining * 2)];
            convert(out, (int) remaining);
        }
        reset();
        return out;
    }

    @Override
    public int fromRate() {
        return fromRate;
    }

    @Override
    public int toRate() {
        return toRate;
    }

    /** Returns the delay of the filter in output samples: how far the output lags the input it has been given. */
    double delayOutputSamples() {
        return filter.centre / (double) down;
    }

    @Override
    public String toString() {
        return "PolyphaseResampler{" + fromRate + " Hz -> " + toRate + " Hz, " + up + "/" + down + ", " + taps
                + " taps per branch}";
    }

    /** Decodes the chunk after the held samples and returns how many samples history now holds. */
    private int append(byte[] pcm) {
        int bytes = pcm.length + (pendingByte >= 0 ? 1 : 0);
        int samples = bytes / 2;
        ensureCapacity(held + samples);
        int offset = 0;
        int at = held;
        if (pendingByte >= 0 && pcm.length > 0) {
            history[at++] = (short) (pendingByte | (pcm[0] << 8));
            offset = 1;
            pendingByte = -1;
        }
        for (; offset + 1 < pcm.length; offset += 2) {
            history[at++] = (short) ((pcm[offset] & 0xFF) | (pcm[offset + 1] << 8));
        }
        if (offset < pcm.length) {
            pendingByte = pcm[offset] & 0xFF;
        }
        inputSamples += at - held;
        return at;
    }

    /** Writes {@code count} output samples, advancing {@link #position}; history holds all the input they need. */
    private void convert(byte[] out, int count) {
        float[] x = history;
        float[] h = coefficients;
        int position = this.position;
        for (int n = 0; n < count; n++) {
            int newest = position / up;
            int branch = (position - newest * up) * taps;
            int oldest = newest - taps + 1;
            // Four sums side by side: the additions of one do not wait for the others.
            float s0 = 0;
            float s1 = 0;
            float s2 = 0;
            float s3 = 0;
            for (int k = 0; k < taps; k += 4) {
                s0 += h[branch + k] * x[oldest + k];
                s1 += h[branch + k + 1] * x[oldest + k + 1];
                s2 += h[branch + k + 2] * x[oldest + k + 2];
                s3 += h[branch + k + 3] * x[oldest + k + 3];
            }
            int sample = Math.round((s0 + s1) + (s2 + s3));
            sample = Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, sample));
            out[2 * n] = (byte) sample;
            out[2 * n + 1] = (byte) (sample >> 8);
            position += down;
        }
        this.position = position;
        outputSamples += count;
    }

    /** Drops the input no later output reaches back to and moves the rest to the front. */
    private void keepHistory(int available) {
        int keepFrom = Math.min(position / up - taps + 1, available);
        System.arraycopy(history, keepFrom, history, 0, available - keepFrom);
        held = available - keepFrom;
        position -= keepFrom * up;
    }

    private void ensureCapacity(int samples) {
        if (samples > history.length) {
            history = Arrays.copyOf(history, Math.max(samples, history.length * 2));
        }
    }

    private void reset() {
        // The stream starts after taps - 1 samples of silence, so the first outputs see a full filter's worth.
        held = taps - 1;
        Arrays.fill(history, 0, held, 0f);
        position = filter.centre + held * up;
        pendingByte = -1;
        inputSamples = 0;
        outputSamples = 0;
    }
}
