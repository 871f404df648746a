package dev.tether.media;

import dev.tether.core.Checks;
import java.util.Objects;

/**
 * Settings of an Exotel media streams serializer ({@link FrameSerializers#exotel}). Exotel has no hang-up here: the
 * call ends when the stream applet's socket closes.
 *
 * <p>Immutable; made with {@link #builder}, copied with {@link #toBuilder()}.
 */
public final class ExotelOptions {
    private final String streamSid;
    private final String callSid;

    private ExotelOptions(Builder b) {
        this.streamSid = b.streamSid;
        this.callSid = b.callSid;
    }

    /** A builder for the stream {@code streamSid} ({@code start.stream_sid} of Exotel's start message). */
    public static Builder builder(String streamSid) {
        return new Builder(streamSid);
    }

    public Builder toBuilder() {
        return new Builder(streamSid).callSid(callSid);
    }

    /** The stream's SID, sent with every outbound message. */
    public String streamSid() {
        return streamSid;
    }

    /** The call's SID, for the application's logs; "" when not given. */
    public String callSid() {
        return callSid;
    }

    @Override
    public String toString() {
        return "ExotelOptions{streamSid=" + streamSid + ", callSid=" + callSid + "}";
    }

    /** Collects the settings. Not thread-safe. */
    public static final class Builder {
        private final String streamSid;
        private String callSid = "";

        private Builder(String streamSid) {
            this.streamSid = Checks.notEmpty(Objects.requireNonNull(streamSid, "streamSid"), "streamSid");
        }

        /** See {@link ExotelOptions#callSid()}. */
        public Builder callSid(String callSid) {
            this.callSid = Objects.requireNonNull(callSid, "callSid");
            return this;
        }

        public ExotelOptions build() {
            return new ExotelOptions(this);
        }
    }
}
