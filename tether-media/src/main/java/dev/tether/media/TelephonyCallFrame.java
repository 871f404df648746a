package dev.tether.media;

import java.util.Objects;

/**
 * The call a telephony media stream carries, recognized from its start message by the auto-detecting serializer
 * ({@link FrameSerializers#telephony(TelephonyOptions)}): the handler's {@code onFrame} gets it once, before the call's
 * first audio, and the session's {@link MediaSession#attributes()} hold the call under {@link TelephonyCall#ATTRIBUTE}
 * from then on. Inbound only; never sent.
 */
public record TelephonyCallFrame(long id, String name, TelephonyCall call) implements MediaFrame {

    public TelephonyCallFrame {
        FrameChecks.name(name);
        Objects.requireNonNull(call, "call");
    }

    public TelephonyCallFrame(TelephonyCall call) {
        this(0, "", call);
    }
}
