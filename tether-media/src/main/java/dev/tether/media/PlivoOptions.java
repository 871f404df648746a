package dev.tether.media;

import dev.tether.core.Checks;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a Plivo audio streaming serializer ({@link FrameSerializers#plivo}): the call's stream, and the
 * credentials with which it hangs the call up when the conversation ends.
 *
 * <p>Immutable; made with {@link #builder}, copied with {@link #toBuilder()}. Absent text settings are "".
 */
public final class PlivoOptions {
    static final String DEFAULT_BASE_URL = "https://api.plivo.com";

    private final String streamId;
    private final String callId;
    private final String authId;
    private final String authToken;
    private final String baseUrl;
    private final boolean autoHangUp;
    private final Duration hangUpTimeout;

    private PlivoOptions(Builder b) {
        this.streamId = b.streamId;
        this.callId = b.callId;
        this.authId = b.authId;
        this.authToken = b.authToken;
        this.baseUrl = b.baseUrl;
        this.autoHangUp = b.autoHangUp;
        this.hangUpTimeout = b.hangUpTimeout;
    }

    /** A builder for the stream {@code streamId} ({@code start.streamId} of Plivo's start message). */
    public static Builder builder(String streamId) {
        return new Builder(streamId);
    }

    public Builder toBuilder() {
        return new Builder(streamId)
                .callId(callId)
                .credentials(authId, authToken)
                .baseUrl(baseUrl)
                .autoHangUp(autoHangUp)
                .hangUpTimeout(hangUpTimeout);
    }

    /** The stream's id, sent with every outbound message. */
    public String streamId() {
        return streamId;
    }

    /** The call's id ({@code start.callId}), which the hang-up names. */
    public String callId() {
        return callId;
    }

    public String authId() {
        return authId;
    }

    public String authToken() {
        return authToken;
    }

    /** The root of the REST API the hang-up goes to. Default {@code https://api.plivo.com}. */
    public String baseUrl() {
        return baseUrl;
    }

    /**
     * Whether serializing the first {@link EndFrame} or {@link CancelFrame} ends the call through Plivo's REST API
     * ({@code DELETE /v1/Account/{authId}/Call/{callId}/}). Default {@code true}, which needs the call id and the
     * credentials.
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
        return "PlivoOptions{streamId=" + streamId + ", callId=" + callId + ", authId=" + authId + ", baseUrl="
                + baseUrl + ", autoHangUp=" + autoHangUp + "}";
    }

    /** Collects the settings; {@link #build()} checks them together. Not thread-safe. */
    public static final class Builder {
        private final String streamId;
        private String callId = "";
        private String authId = "";
        private String authToken = "";
        private String baseUrl = DEFAULT_BASE_URL;
        private boolean autoHangUp = true;
        private Duration hangUpTimeout = FrameSerializers.DEFAULT_HANG_UP_TIMEOUT;

        private Builder(String streamId) {
            this.streamId = Checks.notEmpty(Objects.requireNonNull(streamId, "streamId"), "streamId");
        }

        /** See {@link PlivoOptions#callId()}. */
        public Builder callId(String callId) {
            this.callId = Objects.requireNonNull(callId, "callId");
            return this;
        }

        /** The auth id and auth token of the hang-up's basic authentication. */
        public Builder credentials(String authId, String authToken) {
            this.authId = Objects.requireNonNull(authId, "authId");
            this.authToken = Objects.requireNonNull(authToken, "authToken");
            return this;
        }

        /** See {@link PlivoOptions#baseUrl()}; a trailing slash is ignored. */
        public Builder baseUrl(String baseUrl) {
            this.baseUrl = FrameChecks.baseUrl(baseUrl, "baseUrl");
            return this;
        }

        /** See {@link PlivoOptions#autoHangUp()}. */
        public Builder autoHangUp(boolean autoHangUp) {
            this.autoHangUp = autoHangUp;
            return this;
        }

        /** See {@link PlivoOptions#hangUpTimeout()}. */
        public Builder hangUpTimeout(Duration hangUpTimeout) {
            this.hangUpTimeout = Checks.positive(hangUpTimeout, "hangUpTimeout");
            return this;
        }

        /**
         * The options.
         *
         * @throws IllegalArgumentException when auto hang-up lacks the call id or credentials
         *     ({@code auto_hang_up is enabled but missing required parameters: call_id, auth_id, auth_token}, naming
         *     only what is missing)
         */
        public PlivoOptions build() {
            FrameChecks.hangUpParameters(autoHangUp, "call_id", callId, "auth_id", authId, "auth_token", authToken);
            return new PlivoOptions(this);
        }
    }
}
