package dev.tether.media;

/**
 * The sample rates of a media transport, given to {@link FrameSerializer#setup} once they are known: inbound
 * audio is converted to {@code inputSampleRate} before the application sees it; outbound audio leaves the
 * application at {@code outputSampleRate}.
 */
public record MediaRates(int inputSampleRate, int outputSampleRate) {

    public MediaRates {
        FrameChecks.sampleRate(inputSampleRate);
        FrameChecks.sampleRate(outputSampleRate);
    }
}
