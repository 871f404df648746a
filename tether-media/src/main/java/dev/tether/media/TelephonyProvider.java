package dev.tether.media;

import java.util.Locale;

/** The telephony providers {@link TelephonyDetection} recognizes from a call's first messages. */
public enum TelephonyProvider {
    TWILIO,
    TELNYX,
    PLIVO,
    EXOTEL;

    /** The provider's name as pipecat's runner writes it: {@code twilio}, {@code telnyx}... */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
