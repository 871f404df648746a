package dev.tether.media;

import dev.tether.core.Checks;

/**
 * Settings of a Vonage Audio Connector serializer ({@link FrameSerializers#vonage}): audio travels as binary frames
 * of 16-bit PCM at {@link #sampleRate()}, events as JSON text.
 *
 * <p>Immutable; made with {@link #builder()}, copied with {@link #toBuilder()}.
 */
public final class VonageOptions {
    private static final VonageOptions DEFAULTS = builder().build();

    private final int sampleRate;

    private VonageOptions(Builder b) {
        this.sampleRate = b.sampleRate;
    }

    /** The defaults: 16 kHz. */
    public static VonageOptions defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().sampleRate(sampleRate);
    }

    /** The rate of the audio on the wire, as the connection was opened with it (8000, 16000 or 24000). Default 16000. */
    public int sampleRate() {
        return sampleRate;
    }

    @Override
    public String toString() {
        return "VonageOptions{sampleRate=" + sampleRate + "}";
    }

    /** Collects the settings. Not thread-safe. */
    public static final class Builder {
        private int sampleRate = 16_000;

        private Builder() {}

        /** See {@link VonageOptions#sampleRate()}. */
        public Builder sampleRate(int sampleRate) {
            this.sampleRate = Checks.positive(sampleRate, "sampleRate");
            return this;
        }

        public VonageOptions build() {
            return new VonageOptions(this);
        }
    }
}
