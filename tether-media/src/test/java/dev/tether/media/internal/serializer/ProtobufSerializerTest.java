package dev.tether.media.internal.serializer;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tether.media.AudioInFrame;
import dev.tether.media.AudioOutFrame;
import dev.tether.media.CancelFrame;
import dev.tether.media.ClientConnectedFrame;
import dev.tether.media.DtmfFrame;
import dev.tether.media.EndFrame;
import dev.tether.media.FrameSerializer;
import dev.tether.media.FrameSerializers;
import dev.tether.media.InterruptionFrame;
import dev.tether.media.MediaFrame;
import dev.tether.media.ProtobufOptions;
import dev.tether.media.TextFrame;
import dev.tether.media.TranscriptionFrame;
import dev.tether.media.TransportMessageFrame;
import dev.tether.media.WireMessage;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class ProtobufSerializerTest {
    /** The browser client's own serializer: audio [1,-1,1000,-1000], 16000 Hz, mono, name "audio", id 0. */
    private static final String GOLDEN_AUDIO = "12161205617564696f1a080100ffffe80318fc20807d2801";
    /** The browser client's own serializer: the client-ready RTVI message. */
    private static final String GOLDEN_MESSAGE =
            "22500a4e7b226c6162656c223a22727476692d6169222c2274797065223a22636c69656e"
                    + "742d7265616479222c226964223a227831222c2264617461223a7b2276657273696f6e223a22312e302e30227d7d";

    private static final String CLIENT_READY =
            "{\"label\":\"rtvi-ai\",\"type\":\"client-ready\",\"id\":\"x1\",\"data\":{\"version\":\"1.0.0\"}}";
    private static final byte[] GOLDEN_PCM = {1, 0, (byte) 0xff, (byte) 0xff, (byte) 0xe8, 0x03, 0x18, (byte) 0xfc};

    private final FrameSerializer serializer = FrameSerializers.protobuf();
    private final ObjectMapper mapper = new ObjectMapper();

    @Test
    void audioOutIsTheBrowserClientsBytes() {
        WireMessage wire = serializer.serialize(new AudioOutFrame(0, "audio", GOLDEN_PCM, 16000, 1, null));

        assertThat(hex(wire)).isEqualTo(GOLDEN_AUDIO);
    }

    @Test
    void browserClientsAudioIsAudioIn() {
        MediaFrame frame = serializer.deserialize(binary(GOLDEN_AUDIO));

        assertThat(frame).isEqualTo(new AudioInFrame(0, "audio", GOLDEN_PCM, 16000, 1, null));
    }

    @Test
    void transportMessageIsTheBrowserClientsBytes() throws Exception {
        WireMessage wire = serializer.serialize(new TransportMessageFrame(mapper.readTree(CLIENT_READY)));

        assertThat(hex(wire)).isEqualTo(GOLDEN_MESSAGE);
    }

    @Test
    void browserClientsMessageIsTransportMessage() throws Exception {
        MediaFrame frame = serializer.deserialize(binary(GOLDEN_MESSAGE));

        assertThat(frame).isEqualTo(new TransportMessageFrame(mapper.readTree(CLIENT_READY)));
    }

    @Test
    void textRoundTripsWithIdAndName() {
        TextFrame text = new TextFrame(42, "greeting", "hello world");

        assertThat(serializer.deserialize(serializer.serialize(text))).isEqualTo(text);
    }

    @Test
    void transcriptionRoundTrips() {
        TranscriptionFrame transcription = new TranscriptionFrame(-1L, "stt", "Hello there!", "123", "2021-01-01");

        assertThat(serializer.deserialize(serializer.serialize(transcription))).isEqualTo(transcription);
    }

    @Test
    void ptsIsRestoredWhenPresent() {
        AudioOutFrame out = new AudioOutFrame(7, "audio", GOLDEN_PCM, 24000, 1, 123_456L);

        assertThat(serializer.deserialize(serializer.serialize(out)))
                .isEqualTo(new AudioInFrame(7, "audio", GOLDEN_PCM, 24000, 1, 123_456L));
    }

    @Test
    void interruptionIsOneofFieldFive() {
        assertThat(hex(serializer.serialize(new InterruptionFrame()))).isEqualTo("2a00");
        assertThat(hex(serializer.serialize(new InterruptionFrame(5, "i")))).isEqualTo("2a0508051201" + "69");
        assertThat(serializer.deserialize(binary("2a00"))).isEqualTo(new InterruptionFrame());
        assertThat(serializer.deserialize(binary("2a050805120169"))).isEqualTo(new InterruptionFrame(5, "i"));
    }

    @Test
    void interruptionsAreNotSentToOldClients() {
        FrameSerializer old = FrameSerializers.protobuf(
                ProtobufOptions.builder().sendInterruptions(false).build());

        assertThat(old.serialize(new InterruptionFrame())).isNull();
        assertThat(hex(old.serialize(new TextFrame("still sent")))).startsWith("0a");
    }

    @Test
    void rtviMessagesAreSent() throws Exception {
        JsonNode rtvi = mapper.readTree(CLIENT_READY);

        assertThat(serializer.serialize(TransportMessageFrame.urgent(rtvi))).isNotNull();
    }

    @Test
    void emptyFrameIsNothingWithTheError() {
        try (LogRecorder logs = new LogRecorder(ProtobufSerializer.class)) {
            assertThat(serializer.deserialize(WireMessage.binary(new byte[0]))).isNull();
            assertThat(logs.messages(Level.ERROR)).containsExactly("Unable to deserialize a valid frame");
        }
    }

    @Test
    void unknownOneofFieldIsNothingWithTheError() {
        try (LogRecorder logs = new LogRecorder(ProtobufSerializer.class)) {
            // Field 6, length-delimited, empty: a frame type from a newer client.
            assertThat(serializer.deserialize(binary("3200"))).isNull();
            assertThat(logs.messages(Level.ERROR)).containsExactly("Unable to deserialize a valid frame");
        }
    }

    @Test
    void brokenProtobufIsNothing() {
        assertThat(serializer.deserialize(binary("12ff"))).isNull();
        assertThat(serializer.deserialize(binary("ffffffffffffffffffff"))).isNull();
    }

    @Test
    void textMessageIsNothing() {
        assertThat(serializer.deserialize(WireMessage.text(CLIENT_READY))).isNull();
    }

    @Test
    void messageThatIsNotJsonIsNothingWithAWarning() {
        byte[] notJson = dev.tether.media.internal.proto.PipecatFrames.Frame.newBuilder()
                .setMessage(dev.tether.media.internal.proto.PipecatFrames.MessageFrame.newBuilder()
                        .setData("{not json"))
                .build()
                .toByteArray();
        try (LogRecorder logs = new LogRecorder(ProtobufSerializer.class)) {
            assertThat(serializer.deserialize(WireMessage.binary(notJson))).isNull();
            assertThat(logs.messages(Level.WARN)).hasSize(1);
        }
    }

    @Test
    void audioTheFrameModelRefusesIsNothing() {
        // Odd byte count, then a zero sample rate, then zero channels: all only a hostile client sends.
        assertThat(serializer.deserialize(binary("1207" + "1a03010203" + "2001")))
                .isNull();
        assertThat(serializer.deserialize(binary("1206" + "1a0201022801"))).isNull();
        assertThat(serializer.deserialize(binary("1207" + "1a02010220807d"))).isNull();
    }

    @Test
    void framesItDoesNotHandleAreNothingWithAWarning() {
        try (LogRecorder logs = new LogRecorder(ProtobufSerializer.class)) {
            assertThat(serializer.serialize(new DtmfFrame('5'))).isNull();
            assertThat(serializer.serialize(new EndFrame())).isNull();
            assertThat(serializer.serialize(new CancelFrame())).isNull();
            assertThat(serializer.serialize(new ClientConnectedFrame())).isNull();
            assertThat(serializer.serialize(new AudioInFrame(GOLDEN_PCM, 16000, 1)))
                    .isNull();

            assertThat(logs.messages(Level.WARN))
                    .containsExactly(
                            "Frame type DtmfFrame is not serializable",
                            "Frame type EndFrame is not serializable",
                            "Frame type CancelFrame is not serializable",
                            "Frame type ClientConnectedFrame is not serializable",
                            "Frame type AudioInFrame is not serializable");
        }
    }

    private static String hex(WireMessage message) {
        assertThat(message).isInstanceOf(WireMessage.Binary.class);
        return HexFormat.of().formatHex(((WireMessage.Binary) message).data());
    }

    private static WireMessage binary(String hex) {
        return WireMessage.binary(HexFormat.of().parseHex(hex));
    }
}
