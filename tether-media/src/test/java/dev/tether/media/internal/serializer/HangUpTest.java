package dev.tether.media.internal.serializer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import dev.tether.core.TetherException;
import dev.tether.media.CancelFrame;
import dev.tether.media.EndFrame;
import dev.tether.media.FrameSerializers;
import dev.tether.media.HangUpSerializer;
import dev.tether.media.PlivoOptions;
import dev.tether.media.TelnyxOptions;
import dev.tether.media.TwilioOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HangUpTest {
    private FakeProviderApi api;

    @BeforeEach
    void start() throws Exception {
        api = new FakeProviderApi();
    }

    @AfterEach
    void stop() {
        api.close();
    }

    private HangUpSerializer twilio(String callSid) {
        return FrameSerializers.twilio(TwilioOptions.builder("MZ1")
                .callSid(callSid)
                .credentials("AC123", "secret")
                .baseUrl(api.baseUrl())
                .build());
    }

    private HangUpSerializer telnyx() {
        return FrameSerializers.telnyx(TelnyxOptions.builder("stream-1")
                .callControlId("v3:abc_DEF-1")
                .apiKey("KEY123")
                .baseUrl(api.baseUrl())
                .build());
    }

    private HangUpSerializer plivo() {
        return FrameSerializers.plivo(PlivoOptions.builder("stream-1")
                .callId("9d2b1e32-0c5f")
                .credentials("MA42", "token")
                .baseUrl(api.baseUrl())
                .build());
    }

    // ---- Twilio ----

    @Test
    void twilioEndPostsStatusCompleted() throws Exception {
        HangUpSerializer serializer = twilio("CA456");

        assertThat(serializer.serialize(new EndFrame())).isNull();

        FakeProviderApi.Request request = api.take();
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.rawPath()).isEqualTo("/2010-04-01/Accounts/AC123/Calls/CA456.json");
        assertThat(request.authorization()).isEqualTo(basic("AC123", "secret"));
        assertThat(request.contentType()).isEqualTo("application/x-www-form-urlencoded");
        assertThat(request.body()).isEqualTo("Status=completed");
        await(serializer);
    }

    @Test
    void hangUpIsSentOncePerCall() throws Exception {
        HangUpSerializer serializer = twilio("CA456");

        serializer.serialize(new CancelFrame());
        api.take();
        await(serializer);
        assertThat(serializer.serialize(new EndFrame())).isNull();
        assertThat(serializer.serialize(new CancelFrame())).isNull();

        assertThat(api.poll(300)).isNull();
    }

    @Test
    void twilioCallAlreadyEndedIsNotAnError() throws Exception {
        api.answer(404, "{\"code\":20404,\"message\":\"The requested resource was not found\",\"status\":404}");
        try (LogRecorder logs = new LogRecorder(CallHangUp.class)) {
            HangUpSerializer serializer = twilio("CA456");
            serializer.serialize(new EndFrame());

            await(serializer);
            assertThat(logs.messages(Level.INFO)).containsExactly("Twilio call CA456 had already ended");
            assertThat(logs.messages(Level.ERROR)).isEmpty();
        }
    }

    @Test
    void twilioOther404IsAFailure() {
        api.answer(404, "{\"code\":20003,\"message\":\"Authenticate\"}");
        HangUpSerializer serializer = twilio("CA456");
        serializer.serialize(new EndFrame());

        assertThatThrownBy(() -> await(serializer))
                .hasCauseInstanceOf(TetherException.class)
                .hasMessageContaining("Failed to terminate Twilio call CA456: Status 404");
    }

    @Test
    void twilioServerErrorFailsTheCompletion() {
        api.answer(500, "oops");
        try (LogRecorder logs = new LogRecorder(CallHangUp.class)) {
            HangUpSerializer serializer = twilio("CA456");
            serializer.serialize(new EndFrame());

            assertThatThrownBy(() -> await(serializer))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(TetherException.class);
            assertThat(logs.messages(Level.ERROR))
                    .containsExactly("Failed to terminate Twilio call CA456: Status 500, Response: oops");
        }
    }

    @Test
    void callIdsCannotLeaveTheirPathSegment() throws Exception {
        twilio("../../Other?x=1#y").serialize(new EndFrame());

        assertThat(api.take().rawPath()).isEqualTo("/2010-04-01/Accounts/AC123/Calls/..%2F..%2FOther%3Fx%3D1%23y.json");
    }

    @Test
    void unansweredHangUpTimesOut() {
        api.stall();
        HangUpSerializer serializer = FrameSerializers.twilio(TwilioOptions.builder("MZ1")
                .callSid("CA456")
                .credentials("AC123", "secret")
                .baseUrl(api.baseUrl())
                .hangUpTimeout(Duration.ofMillis(300))
                .build());

        serializer.serialize(new EndFrame());

        assertThatThrownBy(() -> await(serializer))
                .hasCauseInstanceOf(TetherException.class)
                .hasMessageContaining("Failed to hang up Twilio call CA456: no answer within PT0.3S");
    }

    @Test
    void serializeReturnsBeforeTheAnswer() throws Exception {
        api.stall();
        HangUpSerializer serializer = twilio("CA456");

        serializer.serialize(new EndFrame());

        assertThat(serializer.hangUpCompletion().toCompletableFuture().isDone()).isFalse();
        api.take();
    }

    @Test
    void withoutAutoHangUpNothingIsSent() throws Exception {
        HangUpSerializer serializer = FrameSerializers.twilio(TwilioOptions.builder("MZ1")
                .baseUrl(api.baseUrl())
                .autoHangUp(false)
                .build());

        assertThat(serializer.autoHangUp()).isFalse();
        assertThat(serializer.hangUpCompletion().toCompletableFuture().isDone()).isTrue();
        assertThat(serializer.serialize(new EndFrame())).isNull();
        assertThat(api.poll(300)).isNull();
    }

    @Test
    void completionIsPendingUntilTheEnd() {
        assertThat(twilio("CA456").hangUpCompletion().toCompletableFuture().isDone())
                .isFalse();
    }

    // ---- Telnyx ----

    @Test
    void telnyxEndPostsHangupWithBearerKey() throws Exception {
        HangUpSerializer serializer = telnyx();
        serializer.serialize(new EndFrame());

        FakeProviderApi.Request request = api.take();
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.rawPath()).isEqualTo("/v2/calls/v3:abc_DEF-1/actions/hangup");
        assertThat(request.authorization()).isEqualTo("Bearer KEY123");
        assertThat(request.body()).isEmpty();
        await(serializer);
    }

    @Test
    void telnyxCallAlreadyEndedIsNotAnError() throws Exception {
        api.answer(422, "{\"errors\":[{\"code\":\"90018\",\"title\":\"Call has already ended\"}]}");
        try (LogRecorder logs = new LogRecorder(CallHangUp.class)) {
            HangUpSerializer serializer = telnyx();
            serializer.serialize(new CancelFrame());

            await(serializer);
            assertThat(logs.messages(Level.INFO)).containsExactly("Telnyx call v3:abc_DEF-1 had already ended");
        }
    }

    @Test
    void telnyxOther422IsAFailure() {
        api.answer(422, "{\"errors\":[{\"code\":\"90015\"}]}");
        HangUpSerializer serializer = telnyx();
        serializer.serialize(new EndFrame());

        assertThatThrownBy(() -> await(serializer)).hasCauseInstanceOf(TetherException.class);
    }

    // ---- Plivo ----

    @Test
    void plivoEndDeletesTheCall() throws Exception {
        api.answer(204, "");
        HangUpSerializer serializer = plivo();
        serializer.serialize(new EndFrame());

        FakeProviderApi.Request request = api.take();
        assertThat(request.method()).isEqualTo("DELETE");
        assertThat(request.rawPath()).isEqualTo("/v1/Account/MA42/Call/9d2b1e32-0c5f/");
        assertThat(request.authorization()).isEqualTo(basic("MA42", "token"));
        await(serializer);
    }

    @Test
    void plivoCallAlreadyEndedIsNotAnError() throws Exception {
        api.answer(404, "{\"error\":\"not found\"}");
        HangUpSerializer serializer = plivo();
        serializer.serialize(new EndFrame());

        await(serializer);
    }

    // ---- options ----

    @Test
    void missingParametersAreNamedInOrder() {
        assertThatThrownBy(() -> TwilioOptions.builder("MZ1").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "auto_hang_up is enabled but missing required parameters: call_sid, account_sid, auth_token");
        assertThatThrownBy(() -> TwilioOptions.builder("MZ1")
                        .callSid("CA1")
                        .credentials("AC1", "")
                        .build())
                .hasMessage("auto_hang_up is enabled but missing required parameters: auth_token");
        assertThatThrownBy(() -> TelnyxOptions.builder("s").build())
                .hasMessage("auto_hang_up is enabled but missing required parameters: call_control_id, api_key");
        assertThatThrownBy(() -> PlivoOptions.builder("s").callId("c").build())
                .hasMessage("auto_hang_up is enabled but missing required parameters: auth_id, auth_token");
    }

    @Test
    void twilioBaseUrlFollowsRegionAndEdge() {
        TwilioOptions.Builder base = TwilioOptions.builder("MZ1").autoHangUp(false);

        assertThat(base.build().baseUrl()).isEqualTo("https://api.twilio.com");
        assertThat(base.region("au1", "sydney").build().baseUrl()).isEqualTo("https://api.sydney.au1.twilio.com");
        assertThat(base.baseUrl("https://api.example.test/").build().baseUrl()).isEqualTo("https://api.example.test");
    }

    @Test
    void twilioRegionNeedsItsEdge() {
        assertThatThrownBy(() -> TwilioOptions.builder("MZ1")
                        .autoHangUp(false)
                        .region("au1", "")
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("region: \"au1\", edge: \"\" (expected: both or neither");
        assertThat(TwilioOptions.builder("MZ1")
                        .autoHangUp(false)
                        .region("au1", "")
                        .baseUrl("https://api.example.test")
                        .build()
                        .baseUrl())
                .isEqualTo("https://api.example.test");
    }

    @Test
    void settingsAreCheckedOnEntry() {
        assertThatThrownBy(() -> TwilioOptions.builder("")).hasMessage("streamSid: '' (expected: not empty)");
        assertThatThrownBy(() -> PlivoOptions.builder("s").baseUrl("ftp://x"))
                .hasMessage("baseUrl: \"ftp://x\" (expected: an http or https URL)");
        assertThatThrownBy(() -> TelnyxOptions.builder("s").hangUpTimeout(Duration.ZERO))
                .hasMessage("hangUpTimeout: PT0S (expected: > 0)");
    }

    private static void await(HangUpSerializer serializer) throws Exception {
        CompletableFuture<Void> done = serializer.hangUpCompletion().toCompletableFuture();
        done.get(10, TimeUnit.SECONDS);
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
}
