package dev.tether.media;

/**
 * Settings of the pipecat protobuf serializer ({@link FrameSerializers#protobuf(ProtobufOptions)}), the format of
 * pipecat's browser client {@code @pipecat-ai/websocket-transport}.
 *
 * <p>Immutable; made with {@link #builder()}, copied with {@link #toBuilder()}.
 */
public final class ProtobufOptions {
    private static final ProtobufOptions DEFAULTS = builder().build();

    private final boolean sendInterruptions;

    private ProtobufOptions(Builder builder) {
        this.sendInterruptions = builder.sendInterruptions;
    }

    /** The defaults: interruptions are sent. */
    public static ProtobufOptions defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().sendInterruptions(sendInterruptions);
    }

    /**
     * Whether an {@link InterruptionFrame} is sent as {@code Frame{interruption}} (oneof field 5). Newer browser
     * clients stop playing on it; older ones know only fields 1-4 and log an error for each, so turn it off for them.
     * Default {@code true}.
     */
    public boolean sendInterruptions() {
        return sendInterruptions;
    }

    @Override
    public String toString() {
        return "ProtobufOptions{sendInterruptions=" + sendInterruptions + "}";
    }

    /** Collects the settings. Not thread-safe. */
    public static final class Builder {
        private boolean sendInterruptions = true;

        private Builder() {}

        /** See {@link ProtobufOptions#sendInterruptions()}. */
        public Builder sendInterruptions(boolean sendInterruptions) {
            this.sendInterruptions = sendInterruptions;
            return this;
        }

        public ProtobufOptions build() {
            return new ProtobufOptions(this);
        }
    }
}
