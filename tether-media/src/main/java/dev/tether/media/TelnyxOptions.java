package dev.tether.media;

import dev.tether.core.Checks;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * Settings of a Telnyx media streaming serializer ({@link FrameSerializers#telnyx}): the call's stream, the G.711
 * law of each direction, and the API key with which it hangs the call up when the conversation ends.
 *
 * <p>The directions are named from Tether's side: {@link #inboundEncoding()} is the audio Telnyx sends (its start
 * message's {@code start.media_format.encoding}), {@link #outboundEncoding()} the audio sent to Telnyx (the call's
 * bidirectional codec, PCMU unless the call asked for another). pipecat names them the other way round.
 *
 * <p>Immutable; made with {@link #builder}, copied with {@link #toBuilder()}. Absent text settings are "".
 */
public final class TelnyxOptions {
    static final String DEFAULT_BASE_URL = "https://api.telnyx.com";

    /** The G.711 laws Telnyx streams. */
    public enum Encoding {
        /** µ-law. */
        PCMU,
        /** A-law. */
        PCMA;

        /**
         * The encoding Telnyx names {@code name} ({@code PCMU} or {@code PCMA}, in any case).
         *
         * @throws IllegalArgumentException for another name, such as {@code L16} or {@code OPUS}
         */
        public static Encoding of(String name) {
            String upper = name.toUpperCase(Locale.ROOT);
            if (upper.equals("PCMU")) {
                return PCMU;
            }
            if (upper.equals("PCMA")) {
                return PCMA;
            }
            throw new IllegalArgumentException("encoding: \"" + name + "\" (expected: PCMU or PCMA)");
        }
    }

    private final String streamId;
    private final String callControlId;
    private final String apiKey;
    private final Encoding inboundEncoding;
    private final Encoding outboundEncoding;
    private final String baseUrl;
    private final boolean autoHangUp;
    private final Duration hangUpTimeout;

    private TelnyxOptions(Builder b) {
        this.streamId = b.streamId;
        this.callControlId = b.callControlId;
        this.apiKey = b.apiKey;
        this.inboundEncoding = b.inboundEncoding;
        this.outboundEncoding = b.outboundEncoding;
        this.baseUrl = b.baseUrl;
        this.autoHangUp = b.autoHangUp;
        this.hangUpTimeout = b.hangUpTimeout;
    }

    /** A builder for the stream {@code streamId} (the top-level {@code stream_id} of Telnyx's start message). */
    public static Builder builder(String streamId) {
        return new Builder(streamId);
    }

    public Builder toBuilder() {
        return new Builder(streamId)
                .callControlId(callControlId)
                .apiKey(apiKey)
                .inboundEncoding(inboundEncoding)
                .outboundEncoding(outboundEncoding)
                .baseUrl(baseUrl)
                .autoHangUp(autoHangUp)
                .hangUpTimeout(hangUpTimeout);
    }

    public String streamId() {
        return streamId;
    }

    /** The call's control id ({@code start.call_control_id}), which the hang-up names. */
    public String callControlId() {
        return callControlId;
    }

    /** The API key of the hang-up's bearer authentication. */
    public String apiKey() {
        return apiKey;
    }

    /** The law of the audio Telnyx sends. Default PCMU. */
    public Encoding inboundEncoding() {
        return inboundEncoding;
    }

    /** The law of the audio sent to Telnyx. Default PCMU. */
    public Encoding outboundEncoding() {
        return outboundEncoding;
    }

    /** The root of the REST API the hang-up goes to. Default {@code https://api.telnyx.com}. */
    public String baseUrl() {
        return baseUrl;
    }

    /**
     * Whether serializing the first {@link EndFrame} or {@link CancelFrame} ends the call through Telnyx's REST API
     * ({@code POST /v2/calls/{callControlId}/actions/hangup}). Default {@code true}, which needs the call control id
     * and the API key.
     */
    public boolean autoHangUp() {
        return autoHangUp;
    }

    /** How long the hang-up request may take, answer included. Default 10 seconds. */
    public Duration hangUpTimeout() {
        return hangUpTimeout;
    }

    @Override
    public String toString() {
        return "TelnyxOptions{streamId=" + streamId + ", callControlId=" + callControlId + ", inbound="
                + inboundEncoding + ", outbound=" + outboundEncoding + ", baseUrl=" + baseUrl + ", autoHangUp="
                + autoHangUp + "}";
    }

    /** Collects the settings; {@link #build()} checks them together. Not thread-safe. */
    public static final class Builder {
        private final String streamId;
        private String callControlId = "";
        private String apiKey = "";
        private Encoding inboundEncoding = Encoding.PCMU;
        private Encoding outboundEncoding = Encoding.PCMU;
        private String baseUrl = DEFAULT_BASE_URL;
        private boolean autoHangUp = true;
        private Duration hangUpTimeout = FrameSerializers.DEFAULT_HANG_UP_TIMEOUT;

        private Builder(String streamId) {
            this.streamId = Checks.notEmpty(Objects.requireNonNull(streamId, "streamId"), "streamId");
        }

        /** See {@link TelnyxOptions#callControlId()}. */
        public Builder callControlId(String callControlId) {
            this.callControlId = Objects.requireNonNull(callControlId, "callControlId");
            return this;
        }

        /** See {@link TelnyxOptions#apiKey()}. */
        public Builder apiKey(String apiKey) {
            this.apiKey = Objects.requireNonNull(apiKey, "apiKey");
            return this;
        }

        /** See {@link TelnyxOptions#inboundEncoding()}. */
        public Builder inboundEncoding(Encoding inboundEncoding) {
            this.inboundEncoding = Objects.requireNonNull(inboundEncoding, "inboundEncoding");
            return this;
        }

        /** See {@link TelnyxOptions#outboundEncoding()}. */
        public Builder outboundEncoding(Encoding outboundEncoding) {
            this.outboundEncoding = Objects.requireNonNull(outboundEncoding, "outboundEncoding");
            return this;
        }

        /** See {@link TelnyxOptions#baseUrl()}; a trailing slash is ignored. */
        public Builder baseUrl(String baseUrl) {
            this.baseUrl = FrameChecks.baseUrl(baseUrl, "baseUrl");
            return this;
        }

        /** See {@link TelnyxOptions#autoHangUp()}. */
        public Builder autoHangUp(boolean autoHangUp) {
            this.autoHangUp = autoHangUp;
            return this;
        }

        /** See {@link TelnyxOptions#hangUpTimeout()}. */
        public Builder hangUpTimeout(Duration hangUpTimeout) {
            this.hangUpTimeout = Checks.positive(hangUpTimeout, "hangUpTimeout");
            return this;
        }

        /**
         * The options.
         *
         * @throws IllegalArgumentException when auto hang-up lacks the call control id or the API key
         *     ({@code auto_hang_up is enabled but missing required parameters: call_control_id, api_key}, naming only
         *     what is missing)
         */
        public TelnyxOptions build() {
            FrameChecks.hangUpParameters(autoHangUp, "call_control_id", callControlId, "api_key", apiKey);
            return new TelnyxOptions(this);
        }
    }
}
