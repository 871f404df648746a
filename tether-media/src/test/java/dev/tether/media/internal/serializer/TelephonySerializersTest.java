package dev.tether.media.internal.serializer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tether.media.AudioInFrame;
import dev.tether.media.AudioOutFrame;
import dev.tether.media.ClientConnectedFrame;
import dev.tether.media.DtmfFrame;
import dev.tether.media.EndFrame;
import dev.tether.media.ExotelOptions;
import dev.tether.media.FrameSerializer;
import dev.tether.media.FrameSerializers;
import dev.tether.media.InterruptionFrame;
import dev.tether.media.MediaFrame;
import dev.tether.media.MediaRates;
import dev.tether.media.PlivoOptions;
import dev.tether.media.TelnyxOptions;
import dev.tether.media.TextFrame;
import dev.tether.media.TranscriptionFrame;
import dev.tether.media.TransportMessageFrame;
import dev.tether.media.TwilioOptions;
import dev.tether.media.VonageOptions;
import dev.tether.media.WireMessage;
import dev.tether.media.internal.audio.G711;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class TelephonySerializersTest {
    private static final String MZ = "MZ18ad3ab5a668481ce02b83e7395059f0";
    private static final String PLIVO_STREAM = "20170ada-f610-433b-8758-c02a2aab3662";
    private static final String EXOTEL_STREAM = "ba9b1d5d2a8f4f0c8d1c2b6f0e7a3c19";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static FrameSerializer twilio() {
        return FrameSerializers.twilio(
                TwilioOptions.builder(MZ).autoHangUp(false).build());
    }

    private static FrameSerializer telnyx(TelnyxOptions.Encoding inbound, TelnyxOptions.Encoding outbound) {
        return FrameSerializers.telnyx(TelnyxOptions.builder("32de0dea-53cb-4a21-9d2b-7c2a5e1c8f01")
                .inboundEncoding(inbound)
                .outboundEncoding(outbound)
                .autoHangUp(false)
                .build());
    }

    private static FrameSerializer plivo() {
        return FrameSerializers.plivo(
                PlivoOptions.builder(PLIVO_STREAM).autoHangUp(false).build());
    }

    private static FrameSerializer exotel() {
        return FrameSerializers.exotel(ExotelOptions.builder(EXOTEL_STREAM).build());
    }

    private static FrameSerializer vonage() {
        return FrameSerializers.vonage();
    }

    private static List<FrameSerializer> all() {
        return List.of(
                twilio(),
                telnyx(TelnyxOptions.Encoding.PCMU, TelnyxOptions.Encoding.PCMU),
                plivo(),
                exotel(),
                vonage());
    }

    private static FrameSerializer at(FrameSerializer serializer, int inputRate) {
        serializer.setup(new MediaRates(inputRate, 24000));
        return serializer;
    }

    // ---- interruption ----

    @Test
    void interruptionIsEachProvidersClearMessage() {
        assertThat(text(twilio().serialize(new InterruptionFrame())))
                .isEqualTo("{\"event\":\"clear\",\"streamSid\":\"" + MZ + "\"}");
        assertThat(text(telnyx(TelnyxOptions.Encoding.PCMU, TelnyxOptions.Encoding.PCMU)
                        .serialize(new InterruptionFrame())))
                .isEqualTo("{\"event\":\"clear\"}");
        assertThat(text(plivo().serialize(new InterruptionFrame())))
                .isEqualTo("{\"event\":\"clearAudio\",\"streamId\":\"" + PLIVO_STREAM + "\"}");
        assertThat(text(exotel().serialize(new InterruptionFrame())))
                .isEqualTo("{\"event\":\"clear\",\"stream_sid\":\"" + EXOTEL_STREAM + "\"}");
        assertThat(text(vonage().serialize(new InterruptionFrame()))).isEqualTo("{\"action\":\"clear\"}");
    }

    // ---- outbound audio ----

    @Test
    void twilioSendsMulawMedia() {
        byte[] pcm = tone(160, 8000);
        String json = text(twilio().serialize(new AudioOutFrame(pcm, 8000, 1)));

        String payload = Base64.getEncoder().encodeToString(G711.pcmToUlaw(pcm));
        assertThat(json)
                .isEqualTo("{\"event\":\"media\",\"streamSid\":\"" + MZ + "\",\"media\":{\"payload\":\"" + payload
                        + "\"}}");
    }

    @Test
    void telnyxSendsMediaInItsOutboundLaw() {
        byte[] pcm = tone(160, 8000);
        String ulaw = text(telnyx(TelnyxOptions.Encoding.PCMA, TelnyxOptions.Encoding.PCMU)
                .serialize(new AudioOutFrame(pcm, 8000, 1)));
        String alaw = text(telnyx(TelnyxOptions.Encoding.PCMU, TelnyxOptions.Encoding.PCMA)
                .serialize(new AudioOutFrame(pcm, 8000, 1)));

        assertThat(ulaw)
                .isEqualTo("{\"event\":\"media\",\"media\":{\"payload\":\""
                        + Base64.getEncoder().encodeToString(G711.pcmToUlaw(pcm)) + "\"}}");
        assertThat(alaw)
                .isEqualTo("{\"event\":\"media\",\"media\":{\"payload\":\""
                        + Base64.getEncoder().encodeToString(G711.pcmToAlaw(pcm)) + "\"}}");
    }

    @Test
    void plivoSendsPlayAudio() {
        byte[] pcm = tone(160, 8000);
        String json = text(plivo().serialize(new AudioOutFrame(pcm, 8000, 1)));

        assertThat(json)
                .isEqualTo("{\"event\":\"playAudio\",\"media\":{\"contentType\":\"audio/x-mulaw\",\"sampleRate\":8000,"
                        + "\"payload\":\"" + Base64.getEncoder().encodeToString(G711.pcmToUlaw(pcm)) + "\"},"
                        + "\"streamId\":\"" + PLIVO_STREAM + "\"}");
    }

    @Test
    void exotelSendsPcmMedia() {
        byte[] pcm = tone(160, 8000);
        String json = text(exotel().serialize(new AudioOutFrame(pcm, 8000, 1)));

        assertThat(json)
                .isEqualTo("{\"event\":\"media\",\"stream_sid\":\"" + EXOTEL_STREAM + "\",\"media\":{\"payload\":\""
                        + Base64.getEncoder().encodeToString(pcm) + "\"}}");
    }

    @Test
    void vonageSendsBinaryPcm() {
        byte[] pcm = tone(320, 16000);

        assertThat(vonage().serialize(new AudioOutFrame(pcm, 16000, 1))).isEqualTo(WireMessage.binary(pcm));
    }

    @Test
    void outboundAudioIsConvertedFromEachFramesRate() {
        FrameSerializer serializer = at(twilio(), 16000);
        int samples24k = 0;
        int sent = 0;
        for (int i = 0; i < 10; i++) {
            sent += payloadBytes(serializer.serialize(new AudioOutFrame(tone(480, 24000), 24000, 1)));
            samples24k += 480;
        }
        // The resampler holds back a few milliseconds for its filter: allow 10 ms.
        assertThat(sent).isBetween(samples24k / 3 - 80, samples24k / 3);

        // The rate changes: the resampler is made again for 16 kHz, not fed 16 kHz audio as if it were 24 kHz.
        int sent16k = 0;
        for (int i = 0; i < 10; i++) {
            sent16k += payloadBytes(serializer.serialize(new AudioOutFrame(tone(320, 16000), 16000, 1)));
        }
        assertThat(sent16k).isBetween(1600 - 80, 1600);
    }

    @Test
    void vonageConvertsOutboundAudioToSixteenKilohertz() {
        FrameSerializer serializer = vonage();
        int sent = 0;
        for (int i = 0; i < 10; i++) {
            WireMessage message = serializer.serialize(new AudioOutFrame(tone(480, 24000), 24000, 1));
            sent += message == null ? 0 : ((WireMessage.Binary) message).data().length / 2;
        }
        assertThat(sent).isBetween(3200 - 160, 3200);
    }

    @Test
    void stereoOutboundAudioIsMixedToMono() {
        byte[] stereo = new byte[160 * 4];
        for (int i = 0; i < 160; i++) {
            stereo[4 * i] = 100; // left 100, right 300: mono 200
            stereo[4 * i + 2] = 44;
            stereo[4 * i + 3] = 1;
        }
        WireMessage message = exotel().serialize(new AudioOutFrame(stereo, 8000, 2));

        byte[] pcm = payload(message);
        assertThat(pcm).hasSize(320);
        assertThat(pcm[0]).isEqualTo((byte) 200);
        assertThat(pcm[1]).isEqualTo((byte) 0);
    }

    // ---- inbound audio ----

    @Test
    void twilioMediaIsAudioInAtTheInputRate() {
        FrameSerializer serializer = at(twilio(), 8000);
        MediaFrame frame = serializer.deserialize(Fixtures.text("twilio-media.json"));

        byte[] ulaw = fixturePayload("twilio-media.json");
        assertThat(frame).isEqualTo(new AudioInFrame(G711.ulawToPcm(ulaw), 8000, 1));
    }

    @Test
    void inboundAudioIsResampledToTheInputRate() {
        FrameSerializer serializer = at(twilio(), 16000);
        int received = 0;
        for (int i = 0; i < 10; i++) {
            AudioInFrame frame = (AudioInFrame) serializer.deserialize(Fixtures.text("twilio-media.json"));
            if (frame != null) {
                assertThat(frame.sampleRate()).isEqualTo(16000);
                assertThat(frame.channels()).isEqualTo(1);
                received += frame.frames();
            }
        }
        assertThat(received).isBetween(3200 - 160, 3200);
    }

    @Test
    void telnyxMediaIsDecodedInTheStartMessagesLaw() {
        MediaFrame ulaw = at(telnyx(TelnyxOptions.Encoding.PCMU, TelnyxOptions.Encoding.PCMU), 8000)
                .deserialize(Fixtures.text("telnyx-media-pcmu.json"));
        MediaFrame alaw = at(telnyx(TelnyxOptions.Encoding.PCMA, TelnyxOptions.Encoding.PCMU), 8000)
                .deserialize(Fixtures.text("telnyx-media-pcma.json"));

        assertThat(ulaw).isEqualTo(new AudioInFrame(G711.ulawToPcm(fixturePayload("telnyx-media-pcmu.json")), 8000, 1));
        assertThat(alaw).isEqualTo(new AudioInFrame(G711.alawToPcm(fixturePayload("telnyx-media-pcma.json")), 8000, 1));
    }

    @Test
    void plivoMediaIsAudioIn() {
        MediaFrame frame = at(plivo(), 8000).deserialize(Fixtures.text("plivo-media.json"));

        assertThat(frame).isEqualTo(new AudioInFrame(G711.ulawToPcm(fixturePayload("plivo-media.json")), 8000, 1));
    }

    @Test
    void exotelMediaIsPcmAudioIn() {
        MediaFrame frame = at(exotel(), 8000).deserialize(Fixtures.text("exotel-media.json"));

        assertThat(frame).isEqualTo(new AudioInFrame(fixturePayload("exotel-media.json"), 8000, 1));
    }

    @Test
    void vonageBinaryIsAudioIn() {
        byte[] pcm = tone(320, 16000);

        assertThat(at(vonage(), 16000).deserialize(WireMessage.binary(pcm))).isEqualTo(new AudioInFrame(pcm, 16000, 1));
    }

    @Test
    void vonageAtEightKilohertzConvertsInboundAudio() {
        FrameSerializer serializer = at(
                FrameSerializers.vonage(VonageOptions.builder().sampleRate(8000).build()), 16000);
        int received = 0;
        for (int i = 0; i < 10; i++) {
            MediaFrame frame = serializer.deserialize(WireMessage.binary(tone(160, 8000)));
            received += frame == null ? 0 : ((AudioInFrame) frame).frames();
        }
        assertThat(received).isBetween(3200 - 160, 3200);
    }

    // ---- events, DTMF ----

    @Test
    void dtmfEventsAreDigits() {
        assertThat(twilio().deserialize(Fixtures.text("twilio-dtmf.json"))).isEqualTo(new DtmfFrame('1'));
        assertThat(telnyx(TelnyxOptions.Encoding.PCMU, TelnyxOptions.Encoding.PCMU)
                        .deserialize(Fixtures.text("telnyx-dtmf.json")))
                .isEqualTo(new DtmfFrame('#'));
        assertThat(plivo().deserialize(Fixtures.text("plivo-dtmf.json"))).isEqualTo(new DtmfFrame('*'));
        assertThat(exotel().deserialize(Fixtures.text("exotel-dtmf.json"))).isEqualTo(new DtmfFrame('7'));
        assertThat(vonage().deserialize(Fixtures.text("vonage-dtmf.json"))).isEqualTo(new DtmfFrame('5'));
        assertThat(vonage().deserialize(Fixtures.text("vonage-dtmf-nested.json")))
                .isEqualTo(new DtmfFrame('9'));
    }

    @Test
    void everyValidKeyIsADigit() {
        FrameSerializer serializer = twilio();
        for (char key : "0123456789*#ABCD".toCharArray()) {
            assertThat(serializer.deserialize(dtmf(String.valueOf(key)))).isEqualTo(new DtmfFrame(key));
        }
    }

    @Test
    void invalidDtmfDigitsAreNothing() {
        for (FrameSerializer serializer : List.of(twilio(), plivo(), exotel())) {
            for (String digit : List.of("\"E\"", "\"a\"", "\"12\"", "\"\"", "null", "{}", "[\"1\"]")) {
                assertThat(serializer.deserialize(
                                WireMessage.text("{\"event\":\"dtmf\",\"dtmf\":{\"digit\":" + digit + "}}")))
                        .as("%s %s", serializer.getClass().getSimpleName(), digit)
                        .isNull();
            }
            assertThat(serializer.deserialize(WireMessage.text("{\"event\":\"dtmf\"}")))
                    .isNull();
        }
        assertThat(vonage().deserialize(WireMessage.text("{\"event\":\"websocket:dtmf\",\"digit\":\"X\"}")))
                .isNull();
        assertThat(vonage().deserialize(WireMessage.text("{\"event\":\"websocket:dtmf\"}")))
                .isNull();
    }

    @Test
    void otherEventsAreNothing() {
        for (String fixture :
                List.of("twilio-connected.json", "twilio-start.json", "twilio-mark.json", "twilio-stop.json")) {
            assertThat(twilio().deserialize(Fixtures.text(fixture))).as(fixture).isNull();
        }
        FrameSerializer telnyx = telnyx(TelnyxOptions.Encoding.PCMU, TelnyxOptions.Encoding.PCMU);
        for (String fixture : List.of("telnyx-connected.json", "telnyx-start-pcmu.json", "telnyx-stop.json")) {
            assertThat(telnyx.deserialize(Fixtures.text(fixture))).as(fixture).isNull();
        }
        assertThat(plivo().deserialize(Fixtures.text("plivo-start.json"))).isNull();
        for (String fixture : List.of("exotel-connected.json", "exotel-start.json", "exotel-stop.json")) {
            assertThat(exotel().deserialize(Fixtures.text(fixture))).as(fixture).isNull();
        }
        for (String fixture : List.of("vonage-connected.json", "vonage-cleared.json", "vonage-notify.json")) {
            assertThat(vonage().deserialize(Fixtures.text(fixture))).as(fixture).isNull();
        }
    }

    // ---- transport messages ----

    @Test
    void rtviMessagesAreDropped() throws Exception {
        JsonNode rtvi = MAPPER.readTree("{\"label\":\"rtvi-ai\",\"type\":\"bot-ready\",\"id\":\"x1\",\"data\":{}}");
        for (FrameSerializer serializer : all()) {
            assertThat(serializer.serialize(new TransportMessageFrame(rtvi)))
                    .as(serializer.getClass().getSimpleName())
                    .isNull();
            assertThat(serializer.serialize(TransportMessageFrame.urgent(rtvi))).isNull();
        }
    }

    @Test
    void otherTransportMessagesAreSentAsTheirJson() throws Exception {
        String mark = "{\"event\":\"mark\",\"streamSid\":\"" + MZ + "\",\"mark\":{\"name\":\"greeting\"}}";
        JsonNode message = MAPPER.readTree(mark);

        for (FrameSerializer serializer : List.of(twilio(), plivo(), exotel(), vonage())) {
            assertThat(text(serializer.serialize(new TransportMessageFrame(message))))
                    .as(serializer.getClass().getSimpleName())
                    .isEqualTo(mark);
        }
        // pipecat's Telnyx serializer sends none: Telnyx's stream has no use for them.
        assertThat(telnyx(TelnyxOptions.Encoding.PCMU, TelnyxOptions.Encoding.PCMU)
                        .serialize(new TransportMessageFrame(message)))
                .isNull();
    }

    // ---- what they do not handle; hostile input ----

    @Test
    void framesTheyDoNotHandleAreNothing() {
        List<MediaFrame> frames = List.of(
                new TextFrame("hi"),
                new TranscriptionFrame("hi", "u", "2024-01-01T00:00:00Z"),
                new DtmfFrame('1'),
                new AudioInFrame(new byte[4], 8000, 1),
                new ClientConnectedFrame(),
                new EndFrame());
        for (FrameSerializer serializer : all()) {
            for (MediaFrame frame : frames) {
                assertThat(serializer.serialize(frame))
                        .as("%s %s", serializer.getClass().getSimpleName(), frame)
                        .isNull();
            }
        }
    }

    @Test
    void unhandledFrameIsWarnedAboutByType() {
        try (LogRecorder logs = new LogRecorder(TwilioSerializer.class)) {
            FrameSerializer serializer = twilio();
            serializer.serialize(new TextFrame("a"));
            serializer.serialize(new TextFrame("b"));

            assertThat(logs.messages(ch.qos.logback.classic.Level.WARN))
                    .containsExactly("Frame type TextFrame is not serializable");
        }
    }

    @Test
    void hostileMessagesAreNothing() {
        List<WireMessage> hostile = List.of(
                WireMessage.text("not json"),
                WireMessage.text(""),
                WireMessage.text("[]"),
                WireMessage.text("42"),
                WireMessage.text("{\"event\":\"media\"} trailing"),
                WireMessage.text("{\"event\":42}"),
                WireMessage.text("{\"event\":\"media\"}"),
                WireMessage.text("{\"event\":\"media\",\"media\":\"x\"}"),
                WireMessage.text("{\"event\":\"media\",\"media\":{\"payload\":42}}"),
                WireMessage.text("{\"event\":\"media\",\"media\":{\"payload\":\"\"}}"),
                WireMessage.text("{\"event\":\"media\",\"media\":{\"payload\":\"!!not base64!!\"}}"),
                WireMessage.text("{\"event\":\"dtmf\",\"dtmf\":\"1\"}"),
                WireMessage.text("[".repeat(5000)),
                WireMessage.binary(new byte[] {1, 2, 3}));
        for (FrameSerializer serializer : all()) {
            at(serializer, 16000);
            for (WireMessage message : hostile) {
                if (serializer instanceof VonageSerializer && message instanceof WireMessage.Binary) {
                    continue; // Vonage's audio, checked below
                }
                assertThat(serializer.deserialize(message))
                        .as("%s %s", serializer.getClass().getSimpleName(), message)
                        .isNull();
            }
        }
    }

    @Test
    void oddLengthPcmIsNothing() {
        String odd = Base64.getEncoder().encodeToString(new byte[] {1, 2, 3});

        assertThat(exotel().deserialize(
                                WireMessage.text("{\"event\":\"media\",\"media\":{\"payload\":\"" + odd + "\"}}")))
                .isNull();
        assertThat(vonage().deserialize(WireMessage.binary(new byte[] {1, 2, 3})))
                .isNull();
        assertThat(vonage().deserialize(WireMessage.binary(new byte[0]))).isNull();
    }

    @Test
    void aPipelineRateTheResamplerLacksFailsSetup() {
        assertThatThrownBy(() -> twilio().setup(new MediaRates(44100, 24000)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("44100");
    }

    @Test
    void outboundAudioAtARateTheResamplerLacksIsNothing() {
        assertThat(twilio().serialize(new AudioOutFrame(tone(441, 22050), 22050, 1)))
                .isNull();
    }

    // ---- helpers ----

    private static WireMessage dtmf(String digit) {
        return WireMessage.text("{\"event\":\"dtmf\",\"dtmf\":{\"digit\":\"" + digit + "\"}}");
    }

    /** A 440 Hz tone, mono 16-bit PCM. */
    static byte[] tone(int samples, int rate) {
        byte[] pcm = new byte[samples * 2];
        for (int i = 0; i < samples; i++) {
            int s = (int) (8000 * Math.sin(2 * Math.PI * 440 * i / rate));
            pcm[2 * i] = (byte) s;
            pcm[2 * i + 1] = (byte) (s >> 8);
        }
        return pcm;
    }

    private static String text(WireMessage message) {
        assertThat(message).isInstanceOf(WireMessage.Text.class);
        return ((WireMessage.Text) message).text();
    }

    @Test
    void flushGivesTheResamplersTailSoTheStreamKeepsEverySample() {
        FrameSerializer serializer = twilio();
        byte[] pcm = new byte[2 * 2400]; // 100 ms at 24 kHz
        for (int i = 0; i < 2400; i++) {
            short sample = (short) (8000 * Math.sin(2 * Math.PI * 440 * i / 24000.0));
            pcm[2 * i] = (byte) sample;
            pcm[2 * i + 1] = (byte) (sample >> 8);
        }

        int sent = payloadBytes(serializer.serialize(new AudioOutFrame(pcm, 24000, 1)));
        WireMessage tail = serializer.flush();

        assertThat(sent).as("the resampler holds back about 6 ms").isBetween(740, 760);
        assertThat(text(tail)).contains("\"event\":\"media\"").contains(MZ);
        assertThat(sent + payloadBytes(tail)).isEqualTo(800);
        assertThat(serializer.flush()).as("nothing left after a flush").isNull();
    }

    @Test
    void flushBeforeAnyAudioGivesNothing() {
        for (FrameSerializer serializer : all()) {
            assertThat(serializer.flush())
                    .as(serializer.getClass().getSimpleName())
                    .isNull();
        }
    }

    private static byte[] payload(WireMessage message) {
        try {
            return Base64.getDecoder()
                    .decode(MAPPER.readTree(text(message))
                            .path("media")
                            .path("payload")
                            .asText());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** The count of encoded bytes (one per sample for G.711) a media message carries; 0 for none. */
    private static int payloadBytes(WireMessage message) {
        return message == null ? 0 : payload(message).length;
    }

    private static byte[] fixturePayload(String fixture) {
        try {
            return Base64.getDecoder()
                    .decode(MAPPER.readTree(Fixtures.json(fixture))
                            .path("media")
                            .path("payload")
                            .asText());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
