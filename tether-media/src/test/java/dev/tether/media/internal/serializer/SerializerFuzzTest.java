package dev.tether.media.internal.serializer;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tether.media.ExotelOptions;
import dev.tether.media.FrameSerializer;
import dev.tether.media.FrameSerializers;
import dev.tether.media.MediaCloseException;
import dev.tether.media.MediaFrame;
import dev.tether.media.MediaRates;
import dev.tether.media.PlivoOptions;
import dev.tether.media.TelephonyOptions;
import dev.tether.media.TelnyxOptions;
import dev.tether.media.TextFrame;
import dev.tether.media.TranscriptionFrame;
import dev.tether.media.TransportMessageFrame;
import dev.tether.media.TwilioOptions;
import dev.tether.media.WireMessage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;

/**
 * Coverage-guided fuzzing of the media serializers (docs/fuzzing.md). A normal build replays the corpus under
 * {@code SerializerFuzzTestInputs/}; {@code scripts/fuzz.sh} fuzzes each method for as long as it is given.
 *
 * <p>For any messages a client or provider sends, {@code deserialize} gives a frame or nothing and throws only
 * the documented {@link MediaCloseException} of the detecting telephony serializer; what it gives, the serializer
 * can serialize; and the protobuf frames that go both ways (text, transcription, transport message) come back
 * equal.
 */
class SerializerFuzzTest {
    private static final int MAX_MESSAGES = 8;

    private static final List<Supplier<FrameSerializer>> SERIALIZERS = List.of(
            FrameSerializers::protobuf,
            () -> FrameSerializers.twilio(
                    TwilioOptions.builder("MZ1").autoHangUp(false).build()),
            () -> FrameSerializers.telnyx(TelnyxOptions.builder("s1")
                    .inboundEncoding(TelnyxOptions.Encoding.PCMA)
                    .autoHangUp(false)
                    .build()),
            () -> FrameSerializers.plivo(
                    PlivoOptions.builder("s1").autoHangUp(false).build()),
            () -> FrameSerializers.exotel(ExotelOptions.builder("s1").build()),
            FrameSerializers::vonage,
            () -> FrameSerializers.telephony(
                    TelephonyOptions.builder().autoHangUp(false).build()));

    /**
     * The lines of the input (UTF-8, up to eight) are text messages from a provider; then the whole input comes once
     * more as a binary message. Every telephony serializer, the detecting one included, reads them all.
     */
    @FuzzTest
    void providerMessagesDeserializeToAFrameOrNothing(byte[] input) {
        List<String> lines = new String(input, StandardCharsets.UTF_8)
                .lines()
                .limit(MAX_MESSAGES)
                .toList();
        for (int i = 0; i < SERIALIZERS.size(); i++) {
            FrameSerializer serializer = SERIALIZERS.get(i).get();
            serializer.setup(new MediaRates(16000, 24000));
            try {
                for (String line : lines) {
                    deserializeAndSerialize(serializer, WireMessage.text(line));
                }
                deserializeAndSerialize(serializer, WireMessage.binary(input));
            } catch (MediaCloseException e) {
                assertThat(i).as("only the detecting serializer closes: %s", e).isEqualTo(SERIALIZERS.size() - 1);
                assertThat(e.code()).isIn(1008, 1011);
            }
            serializer.closed();
        }
    }

    private static void deserializeAndSerialize(FrameSerializer serializer, WireMessage message) {
        MediaFrame frame = serializer.deserialize(message);
        if (frame != null && serializer.isReady()) {
            serializer.serialize(frame);
        }
    }

    /** pipecat's protobuf: any bytes give a frame or nothing, and the frames that go both ways round-trip. */
    @FuzzTest
    void protobufFramesRoundTrip(byte[] bytes) {
        FrameSerializer serializer = FrameSerializers.protobuf();
        serializer.setup(new MediaRates(16000, 24000));

        MediaFrame frame = serializer.deserialize(WireMessage.binary(bytes));

        if (frame instanceof TextFrame
                || frame instanceof TranscriptionFrame
                || frame instanceof TransportMessageFrame) {
            WireMessage wire = serializer.serialize(frame);
            assertThat(wire).as("serialized %s", frame).isNotNull();
            assertThat(serializer.deserialize(wire)).isEqualTo(frame);
        }
        assertThat(serializer.deserialize(WireMessage.text(new String(bytes, StandardCharsets.UTF_8))))
                .as("a text message to the protobuf serializer")
                .isNull();
    }
}
