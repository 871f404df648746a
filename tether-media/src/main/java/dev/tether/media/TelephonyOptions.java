package dev.tether.media;

import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * What a telephony endpoint needs besides the call to make any provider's serializer
 * ({@link FrameSerializers#telephony}): each provider's credentials for the hang-up, and whether calls are hung up.
 * A provider whose credentials are missing fails only when a call from it arrives with auto hang-up on, as pipecat's
 * runner does.
 *
 * <pre>{@code
 * TelephonyOptions options = TelephonyOptions.builder()
 *         .environment(System.getenv())     // TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TELNYX_API_KEY, PLIVO_AUTH_ID...
 *         .twilio(twilio -> twilio.region("au1", "sydney"))
 *         .plivo(plivo -> plivo.hangUpTimeout(Duration.ofSeconds(5)))
 *         .build();
 * }</pre>
 *
 * <p>For each call, the provider's options builder is made from the call's ids, given the shared settings and the
 * environment's credentials, then handed to the provider's customizer, which may change any of them. Immutable as far
 * as the customizers are; made with {@link #builder()}, copied with {@link #toBuilder()}.
 */
public final class TelephonyOptions {
    private final Map<String, String> environment;
    private final Consumer<TwilioOptions.Builder> twilio;
    private final Consumer<TelnyxOptions.Builder> telnyx;
    private final Consumer<PlivoOptions.Builder> plivo;
    private final boolean autoHangUp;

    private TelephonyOptions(Builder b) {
        this.environment = b.environment;
        this.twilio = b.twilio;
        this.telnyx = b.telnyx;
        this.plivo = b.plivo;
        this.autoHangUp = b.autoHangUp;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The credentials in this process's environment, pipecat's variables; see {@link Builder#environment}. */
    public static TelephonyOptions fromEnvironment() {
        return builder().environment(System.getenv()).build();
    }

    public Builder toBuilder() {
        return new Builder()
                .environment(environment)
                .twilio(twilio)
                .telnyx(telnyx)
                .plivo(plivo)
                .autoHangUp(autoHangUp);
    }

    /** Whether calls are hung up when the conversation ends (Twilio, Telnyx, Plivo). Default {@code true}. */
    public boolean autoHangUp() {
        return autoHangUp;
    }

    /** The Twilio serializer's options for {@code call}; throws as {@link TwilioOptions.Builder#build()} does. */
    TwilioOptions twilio(TelephonyCall call) {
        TwilioOptions.Builder b = TwilioOptions.builder(call.streamId())
                .callSid(call.callId())
                .credentials(env("TWILIO_ACCOUNT_SID"), env("TWILIO_AUTH_TOKEN"))
                .autoHangUp(autoHangUp);
        twilio.accept(b);
        return b.build();
    }

    /** The Telnyx serializer's options for {@code call}; inbound audio in the law of its start message. */
    TelnyxOptions telnyx(TelephonyCall call) {
        TelnyxOptions.Builder b = TelnyxOptions.builder(call.streamId())
                .callControlId(call.callId())
                .apiKey(env("TELNYX_API_KEY"))
                .autoHangUp(autoHangUp);
        if (!call.mediaEncoding().isEmpty()) {
            b.inboundEncoding(TelnyxOptions.Encoding.of(call.mediaEncoding()));
        }
        telnyx.accept(b);
        return b.build();
    }

    PlivoOptions plivo(TelephonyCall call) {
        PlivoOptions.Builder b = PlivoOptions.builder(call.streamId())
                .callId(call.callId())
                .credentials(env("PLIVO_AUTH_ID"), env("PLIVO_AUTH_TOKEN"))
                .autoHangUp(autoHangUp);
        plivo.accept(b);
        return b.build();
    }

    ExotelOptions exotel(TelephonyCall call) {
        return ExotelOptions.builder(call.streamId()).callSid(call.callId()).build();
    }

    private String env(String name) {
        return environment.getOrDefault(name, "");
    }

    @Override
    public String toString() {
        return "TelephonyOptions{autoHangUp=" + autoHangUp + "}";
    }

    /** Collects the settings. Not thread-safe. */
    public static final class Builder {
        private Map<String, String> environment = Map.of();
        private Consumer<TwilioOptions.Builder> twilio = b -> {};
        private Consumer<TelnyxOptions.Builder> telnyx = b -> {};
        private Consumer<PlivoOptions.Builder> plivo = b -> {};
        private boolean autoHangUp = true;

        private Builder() {}

        /**
         * Takes the credentials pipecat's runner reads, where {@code environment} has them: {@code TWILIO_ACCOUNT_SID},
         * {@code TWILIO_AUTH_TOKEN}, {@code TELNYX_API_KEY}, {@code PLIVO_AUTH_ID}, {@code PLIVO_AUTH_TOKEN}.
         */
        public Builder environment(Map<String, String> environment) {
            this.environment = Map.copyOf(environment);
            return this;
        }

        /** Adjusts every Twilio call's options: credentials, region and edge, base URL... */
        public Builder twilio(Consumer<TwilioOptions.Builder> customizer) {
            this.twilio = Objects.requireNonNull(customizer, "customizer");
            return this;
        }

        /** Adjusts every Telnyx call's options: API key, outbound law, base URL... */
        public Builder telnyx(Consumer<TelnyxOptions.Builder> customizer) {
            this.telnyx = Objects.requireNonNull(customizer, "customizer");
            return this;
        }

        /** Adjusts every Plivo call's options: credentials, base URL... */
        public Builder plivo(Consumer<PlivoOptions.Builder> customizer) {
            this.plivo = Objects.requireNonNull(customizer, "customizer");
            return this;
        }

        /** See {@link TelephonyOptions#autoHangUp()}. */
        public Builder autoHangUp(boolean autoHangUp) {
            this.autoHangUp = autoHangUp;
            return this;
        }

        public TelephonyOptions build() {
            return new TelephonyOptions(this);
        }
    }
}
