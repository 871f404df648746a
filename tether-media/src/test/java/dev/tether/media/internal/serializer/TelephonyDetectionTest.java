package dev.tether.media.internal.serializer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import dev.tether.media.FrameSerializers;
import dev.tether.media.HangUpSerializer;
import dev.tether.media.TelephonyCall;
import dev.tether.media.TelephonyDetection;
import dev.tether.media.TelephonyDetectionException;
import dev.tether.media.TelephonyOptions;
import dev.tether.media.TelephonyProvider;
import dev.tether.media.TelnyxOptions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TelephonyDetectionTest {
    private static final String UNSUPPORTED =
            "Unsupported telephony provider: unknown. Supported providers: twilio, telnyx, plivo, exotel";

    @Test
    void twilioFromItsStartMessage() {
        TelephonyCall call = TelephonyDetection.detect(
                List.of(Fixtures.json("twilio-connected.json"), Fixtures.json("twilio-start.json")));

        assertThat(call.provider()).isEqualTo(TelephonyProvider.TWILIO);
        assertThat(call.streamId()).isEqualTo("MZ18ad3ab5a668481ce02b83e7395059f0");
        assertThat(call.callId()).isEqualTo("CA5e1fd3b2c7a84b1f8b9d0e2f3a4b5c6d");
        assertThat(call.accountSid()).isEqualTo("AC0123456789abcdef0123456789abcdef");
        assertThat(call.customParameters())
                .isEqualTo(Map.of("from_number", "+15551230000", "to_number", "+15559870000", "user_id", "u-42"));
        assertThat(call.from()).isEqualTo("+15551230000");
        assertThat(call.to()).isEqualTo("+15559870000");
    }

    @Test
    void telnyxWithItsEncoding() {
        TelephonyCall call = TelephonyDetection.detect(
                List.of(Fixtures.json("telnyx-connected.json"), Fixtures.json("telnyx-start-pcma.json")));

        assertThat(call.provider()).isEqualTo(TelephonyProvider.TELNYX);
        assertThat(call.streamId()).isEqualTo("32de0dea-53cb-4a21-9d2b-7c2a5e1c8f01");
        assertThat(call.callId()).isEqualTo("v3:MdI91X4lWFEs7IgbBEOT9M4AigoY08M0WWZFISt1Yw2axZ_IiE4pqg");
        assertThat(call.mediaEncoding()).isEqualTo("PCMA");
        assertThat(call.from()).isEqualTo("+4930123456");
        assertThat(call.to()).isEqualTo("+4930654321");
    }

    @Test
    void plivoFromTheFirstMessage() {
        TelephonyCall call = TelephonyDetection.detect(
                List.of(Fixtures.json("plivo-start.json"), Fixtures.json("plivo-media.json")));

        assertThat(call.provider()).isEqualTo(TelephonyProvider.PLIVO);
        assertThat(call.streamId()).isEqualTo("20170ada-f610-433b-8758-c02a2aab3662");
        assertThat(call.callId()).isEqualTo("9d2b1e32-0c5f-4a6a-8f3e-3b7c1a2d4e5f");
    }

    @Test
    void exotelWithItsAccount() {
        TelephonyCall call = TelephonyDetection.detect(
                List.of(Fixtures.json("exotel-connected.json"), Fixtures.json("exotel-start.json")));

        assertThat(call.provider()).isEqualTo(TelephonyProvider.EXOTEL);
        assertThat(call.streamId()).isEqualTo("ba9b1d5d2a8f4f0c8d1c2b6f0e7a3c19");
        assertThat(call.callId()).isEqualTo("5f1b7e3f2c9a4d6e8b0a1c2d3e4f5a6b");
        assertThat(call.accountSid()).isEqualTo("exotel_acc_42");
        assertThat(call.from()).isEqualTo("09876543210");
        assertThat(call.customParameters()).isEqualTo(Map.of("lang", "hi"));
    }

    @Test
    void oneMessageIsAWarningThenDetection() {
        try (LogRecorder logs = new LogRecorder(TelephonyDetection.class)) {
            TelephonyCall call = TelephonyDetection.detect(List.of(Fixtures.json("twilio-start.json")));

            assertThat(call.provider()).isEqualTo(TelephonyProvider.TWILIO);
            assertThat(logs.messages(Level.WARN)).containsExactly("Only received one WebSocket message, expected two");
        }
    }

    @Test
    void noMessageIsTheClosedError() {
        assertThatThrownBy(() -> TelephonyDetection.detect(List.of()))
                .isInstanceOf(TelephonyDetectionException.class)
                .hasMessage("WebSocket closed before receiving telephony handshake messages");
    }

    @Test
    void unknownMessagesAreTheUnsupportedError() {
        assertThatThrownBy(() -> TelephonyDetection.detect(List.of(
                        "{\"event\":\"connected\"}", "{\"event\":\"start\",\"start\":{\"streamSid\":\"MZ1\"}}")))
                .isInstanceOf(TelephonyDetectionException.class)
                .hasMessage(UNSUPPORTED);
    }

    @Test
    void hostileMessagesAreTheUnsupportedError() {
        assertThatThrownBy(() -> TelephonyDetection.detect(List.of("not json", "[1,2]")))
                .isInstanceOf(TelephonyDetectionException.class)
                .hasMessage(UNSUPPORTED);
        assertThatThrownBy(() -> TelephonyDetection.detect(List.of("", "{\"start\":\"x\",\"stream_id\":1}")))
                .hasMessage(UNSUPPORTED);
    }

    @Test
    void aThirdMessageIsNotLookedAt() {
        assertThatThrownBy(() -> TelephonyDetection.detect(List.of("{}", "{}", Fixtures.json("twilio-start.json"))))
                .hasMessage(UNSUPPORTED);
    }

    // ---- from the call to its serializer ----

    @Test
    void detectedCallsGetTheirProvidersSerializer() {
        TelephonyOptions options = TelephonyOptions.builder()
                .environment(Map.of(
                        "TWILIO_ACCOUNT_SID", "AC1",
                        "TWILIO_AUTH_TOKEN", "t",
                        "TELNYX_API_KEY", "KEY",
                        "PLIVO_AUTH_ID", "MA1",
                        "PLIVO_AUTH_TOKEN", "p"))
                .build();

        assertThat(FrameSerializers.telephony(detect("twilio-start.json"), options))
                .isInstanceOf(TwilioSerializer.class)
                .isInstanceOf(HangUpSerializer.class);
        assertThat(FrameSerializers.telephony(detect("telnyx-start-pcmu.json"), options))
                .isInstanceOf(TelnyxSerializer.class);
        assertThat(FrameSerializers.telephony(detect("plivo-start.json"), options))
                .isInstanceOf(PlivoSerializer.class);
        assertThat(FrameSerializers.telephony(detect("exotel-start.json"), options))
                .isInstanceOf(ExotelSerializer.class);
    }

    @Test
    void providerCustomizersApplyAfterTheEnvironment() {
        TelephonyOptions options = TelephonyOptions.builder()
                .environment(Map.of("TELNYX_API_KEY", "from-env"))
                .telnyx(telnyx -> telnyx.apiKey("KEY").outboundEncoding(TelnyxOptions.Encoding.PCMA))
                .twilio(twilio -> twilio.credentials("AC1", "t").region("au1", "sydney"))
                .build();

        TelnyxSerializer telnyx =
                (TelnyxSerializer) FrameSerializers.telephony(detect("telnyx-start-pcmu.json"), options);
        TwilioSerializer twilio = (TwilioSerializer) FrameSerializers.telephony(detect("twilio-start.json"), options);

        assertThat(telnyx.autoHangUp()).isTrue();
        assertThat(twilio.autoHangUp()).isTrue();
    }

    @Test
    void detectedCallWithoutCredentialsIsTheMissingParametersError() {
        TelephonyOptions none = TelephonyOptions.builder().build();

        assertThatThrownBy(() -> FrameSerializers.telephony(detect("twilio-start.json"), none))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("auto_hang_up is enabled but missing required parameters: account_sid, auth_token");
        assertThatThrownBy(() -> FrameSerializers.telephony(detect("telnyx-start-pcmu.json"), none))
                .hasMessage("auto_hang_up is enabled but missing required parameters: api_key");
        assertThatThrownBy(() -> FrameSerializers.telephony(detect("plivo-start.json"), none))
                .hasMessage("auto_hang_up is enabled but missing required parameters: auth_id, auth_token");
        assertThat(FrameSerializers.telephony(
                        detect("twilio-start.json"),
                        none.toBuilder().autoHangUp(false).build()))
                .isInstanceOf(TwilioSerializer.class);
    }

    @Test
    void telnyxInStreamsInTheStartMessagesLaw() {
        TelephonyCall call = detect("telnyx-start-pcma.json");
        TelephonyOptions options = TelephonyOptions.builder().autoHangUp(false).build();

        TelnyxSerializer serializer = (TelnyxSerializer) FrameSerializers.telephony(call, options);

        assertThat(serializer).isNotNull();
        assertThat(TelnyxOptions.Encoding.of(call.mediaEncoding())).isEqualTo(TelnyxOptions.Encoding.PCMA);
        assertThatThrownBy(() -> TelnyxOptions.Encoding.of("L16"))
                .hasMessage("encoding: \"L16\" (expected: PCMU or PCMA)");
    }

    private static TelephonyCall detect(String fixture) {
        return TelephonyDetection.detect(List.of(Fixtures.json(fixture)));
    }
}
