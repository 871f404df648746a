package dev.tether.media;

import dev.tether.core.Checks;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a Twilio Media Streams serializer ({@link FrameSerializers#twilio}): the call's stream, and the
 * credentials with which it hangs the call up when the conversation ends.
 *
 * <pre>{@code
 * FrameSerializer serializer = FrameSerializers.twilio(TwilioOptions.builder(call.streamId())
 *         .callSid(call.callId())
 *         .credentials(System.getenv("TWILIO_ACCOUNT_SID"), System.getenv("TWILIO_AUTH_TOKEN"))
 *         .build());
 * }</pre>
 *
 * <p>Immutable; made with {@link #builder}, copied with {@link #toBuilder()}. Absent text settings are "".
 */
public final class TwilioOptions {
    static final String DEFAULT_BASE_URL = "https://api.twilio.com";

    private final String streamSid;
    private final String callSid;
    private final String accountSid;
    private final String authToken;
    private final String region;
    private final String edge;
    private final String baseUrl;
    private final boolean autoHangUp;
    private final Duration hangUpTimeout;

    private TwilioOptions(Builder b) {
        this.streamSid = b.streamSid;
        this.callSid = b.callSid;
        this.accountSid = b.accountSid;
        this.authToken = b.authToken;
        this.region = b.region;
        this.edge = b.edge;
        this.baseUrl = b.baseUrl;
        this.autoHangUp = b.autoHangUp;
        this.hangUpTimeout = b.hangUpTimeout;
    }

    /** A builder for the media stream {@code streamSid} ({@code start.streamSid} of Twilio's start message). */
    public static Builder builder(String streamSid) {
        return new Builder(streamSid);
    }

    public Builder toBuilder() {
        return new Builder(streamSid)
                .callSid(callSid)
                .credentials(accountSid, authToken)
                .region(region, edge)
                .baseUrl(baseUrl)
                .autoHangUp(autoHangUp)
                .hangUpTimeout(hangUpTimeout);
    }

    /** The media stream's SID, sent with every outbound message. */
    public String streamSid() {
        return streamSid;
    }

    /** The call's SID, which the hang-up names. */
    public String callSid() {
        return callSid;
    }

    public String accountSid() {
        return accountSid;
    }

    public String authToken() {
        return authToken;
    }

    /** Twilio's region for the REST API ({@code au1}, {@code ie1}), given together with {@link #edge()}. */
    public String region() {
        return region;
    }

    /** Twilio's edge for the REST API ({@code sydney}, {@code dublin}), given together with {@link #region()}. */
    public String edge() {
        return edge;
    }

    /**
     * The root of the REST API the hang-up goes to: the explicit base URL if one was set, else
     * {@code https://api.{edge}.{region}.twilio.com} with a region and edge, else {@code https://api.twilio.com}.
     */
    public String baseUrl() {
        if (!baseUrl.isEmpty()) {
            return baseUrl;
        }
        return region.isEmpty() ? DEFAULT_BASE_URL : "https://api." + edge + "." + region + ".twilio.com";
    }

    /**
     * Whether serializing the first {@link EndFrame} or {@link CancelFrame} ends the call through Twilio's REST API
     * ({@code POST .../Calls/{callSid}.json} with {@code Status=completed}). Default {@code true}, which needs the
     * call SID and credentials.
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
        return "TwilioOptions{streamSid=" + streamSid + ", callSid=" + callSid + ", accountSid=" + accountSid
                + ", baseUrl=" + baseUrl() + ", autoHangUp=" + autoHangUp + "}";
    }

    /** Collects the settings; {@link #build()} checks them together. Not thread-safe. */
    public static final class Builder {
        private final String streamSid;
        private String callSid = "";
        private String accountSid = "";
        private String authToken = "";
        private String region = "";
        private String edge = "";
        private String baseUrl = "";
        private boolean autoHangUp = true;
        private Duration hangUpTimeout = FrameSerializers.DEFAULT_HANG_UP_TIMEOUT;

        private Builder(String streamSid) {
            this.streamSid = Checks.notEmpty(Objects.requireNonNull(streamSid, "streamSid"), "streamSid");
        }

        /** See {@link TwilioOptions#callSid()}. */
        public Builder callSid(String callSid) {
            this.callSid = Objects.requireNonNull(callSid, "callSid");
            return this;
        }

        /** The account SID and auth token of the hang-up's basic authentication. */
        public Builder credentials(String accountSid, String authToken) {
            this.accountSid = Objects.requireNonNull(accountSid, "accountSid");
            this.authToken = Objects.requireNonNull(authToken, "authToken");
            return this;
        }

        /** See {@link TwilioOptions#region()} and {@link TwilioOptions#edge()}: both or neither ({@code ""}). */
        public Builder region(String region, String edge) {
            this.region = Objects.requireNonNull(region, "region");
            this.edge = Objects.requireNonNull(edge, "edge");
            return this;
        }

        /**
         * An explicit root of the REST API, such as a Twilio-compatible server or a test's; a trailing slash is
         * ignored and {@code ""} means derived from region and edge.
         */
        public Builder baseUrl(String baseUrl) {
            this.baseUrl = baseUrl.isEmpty() ? "" : FrameChecks.baseUrl(baseUrl, "baseUrl");
            return this;
        }

        /** See {@link TwilioOptions#autoHangUp()}. */
        public Builder autoHangUp(boolean autoHangUp) {
            this.autoHangUp = autoHangUp;
            return this;
        }

        /** See {@link TwilioOptions#hangUpTimeout()}. */
        public Builder hangUpTimeout(Duration hangUpTimeout) {
            this.hangUpTimeout = Checks.positive(hangUpTimeout, "hangUpTimeout");
            return this;
        }

        /**
         * The options.
         *
         * @throws IllegalArgumentException when auto hang-up lacks the call SID or credentials (pipecat's message
         *     {@code auto_hang_up is enabled but missing required parameters: call_sid, account_sid, auth_token},
         *     naming only what is missing), or when only one of region and edge is given without a base URL
         */
        public TwilioOptions build() {
            FrameChecks.hangUpParameters(
                    autoHangUp, "call_sid", callSid, "account_sid", accountSid, "auth_token", authToken);
            if (baseUrl.isEmpty() && region.isEmpty() != edge.isEmpty()) {
                throw new IllegalArgumentException("region: \"" + region + "\", edge: \"" + edge
                        + "\" (expected: both or neither, Twilio's host is api.{edge}.{region}.twilio.com)");
            }
            return new TwilioOptions(this);
        }
    }
}
