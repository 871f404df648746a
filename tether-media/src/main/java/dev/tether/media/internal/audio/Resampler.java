package dev.tether.media.internal.audio;

/**
 * Converts a stream of mono 16-bit little-endian PCM from one sample rate to another, chunk by chunk. One instance
 * per stream direction: it keeps the filter history between calls, so the output of a stream cut into chunks of
 * any size (odd byte counts included) is the same, sample for sample, as the output of the whole stream at once.
 * Not thread-safe; calls must come from one thread at a time, in stream order.
 *
 * <p>Output stays time-aligned with input: output sample {@code n} stands for the instant of input sample
 * {@code n * fromRate / toRate}. Because the filter needs input from a little after that instant, {@link #process}
 * holds back the last few milliseconds until more input comes or {@link #flush} ends the stream; after
 * {@code flush} the total output is {@code ceil(inputSamples * toRate / fromRate)} samples.
 */
public interface Resampler {

    /**
     * Returns a resampler from {@code fromRate} to {@code toRate}, each one of 8000, 16000, 24000 and 48000 Hz. Equal
     * rates give an identity whose {@link #process} returns its argument.
     *
     * @throws IllegalArgumentException if a rate is not one of those four
     */
    static Resampler create(int fromRate, int toRate) {
        checkRate(fromRate, "fromRate");
        checkRate(toRate, "toRate");
        if (fromRate == toRate) {
            return new IdentityResampler(fromRate);
        }
        return new PolyphaseResampler(fromRate, toRate);
    }

    /**
     * Converts the next chunk of the stream and returns the output that is ready, possibly empty, never null. A
     * trailing odd byte is kept and joined with the first byte of the next chunk.
     */
    byte[] process(byte[] pcm);

    /**
     * Ends the stream: returns the output still held back by the filter, as if the input went on with silence, and
     * resets the resampler so it can start a new stream. A pending odd byte is dropped.
     */
    byte[] flush();

    int fromRate();

    int toRate();

    private static void checkRate(int rate, String name) {
        if (rate != 8000 && rate != 16000 && rate != 24000 && rate != 48000) {
            throw new IllegalArgumentException(name + ": " + rate + " (expected: one of 8000, 16000, 24000, 48000)");
        }
    }
}
