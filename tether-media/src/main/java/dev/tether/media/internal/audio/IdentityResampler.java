package dev.tether.media.internal.audio;

/** The resampler between equal rates: it hands every chunk back unchanged and holds nothing back. */
final class IdentityResampler implements Resampler {
    private static final byte[] EMPTY = new byte[0];

    private final int rate;

    IdentityResampler(int rate) {
        this.rate = rate;
    }

    @Override
    public byte[] process(byte[] pcm) {
        return pcm;
    }

    @Override
    public byte[] flush() {
        return EMPTY;
    }

    @Override
    public int fromRate() {
        return rate;
    }

    @Override
    public int toRate() {
        return rate;
    }

    @Override
    public String toString() {
        return "IdentityResampler{" + rate + " Hz}";
    }
}
