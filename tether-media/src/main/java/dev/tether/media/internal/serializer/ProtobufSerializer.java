package dev.tether.media.internal.serializer;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.tether.media.AudioInFrame;
import dev.tether.media.AudioOutFrame;
import dev.tether.media.FrameSerializer;
import dev.tether.media.InterruptionFrame;
import dev.tether.media.MediaFrame;
import dev.tether.media.ProtobufOptions;
import dev.tether.media.TextFrame;
import dev.tether.media.TranscriptionFrame;
import dev.tether.media.TransportMessageFrame;
import dev.tether.media.WireMessage;
import dev.tether.media.internal.proto.PipecatFrames;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * pipecat's protobuf format, as its browser client speaks it. Like pipecat's serializer, a field is written only when
 * it is not its default (id 0, name "", no pts), which is what makes the output byte-for-byte the browser client's;
 * transport messages travel as compact JSON text, RTVI ones included. Stateless apart from the once-per-type warning.
 */
public final class ProtobufSerializer implements FrameSerializer {
    private static final Logger log = LoggerFactory.getLogger(ProtobufSerializer.class);

    private final ProtobufOptions options;
    private final UnhandledFrames unhandled = new UnhandledFrames(log);

    public ProtobufSerializer(ProtobufOptions options) {
        this.options = options;
    }

    @Override
    public @Nullable WireMessage serialize(MediaFrame frame) {
        PipecatFrames.Frame.Builder wire = PipecatFrames.Frame.newBuilder();
        if (frame instanceof TextFrame text) {
            PipecatFrames.TextFrame.Builder b = PipecatFrames.TextFrame.newBuilder();
            b.setId(text.id()).setName(text.name()).setText(text.text());
            wire.setText(b);
        } else if (frame instanceof AudioOutFrame audio) {
            PipecatFrames.AudioRawFrame.Builder b = PipecatFrames.AudioRawFrame.newBuilder()
                    .setId(audio.id())
                    .setName(audio.name())
                    .setAudio(ByteString.copyFrom(audio.audio()))
                    .setSampleRate(audio.sampleRate())
                    .setNumChannels(audio.channels());
            Long pts = audio.pts();
            if (pts != null && pts != 0) {
                b.setPts(pts);
            }
            wire.setAudio(b);
        } else if (frame instanceof TranscriptionFrame t) {
            wire.setTranscription(PipecatFrames.TranscriptionFrame.newBuilder()
                    .setId(t.id())
                    .setName(t.name())
                    .setText(t.text())
                    .setUserId(t.userId())
                    .setTimestamp(t.timestamp()));
        } else if (frame instanceof TransportMessageFrame message) {
            wire.setMessage(PipecatFrames.MessageFrame.newBuilder().setData(Json.write(message.message())));
        } else if (frame instanceof InterruptionFrame interruption) {
            if (!options.sendInterruptions()) {
                return null;
            }
            wire.setInterruption(PipecatFrames.InterruptionFrame.newBuilder()
                    .setId(interruption.id())
                    .setName(interruption.name()));
        } else {
            unhandled.report(frame);
            return null;
        }
        return WireMessage.binary(wire.build().toByteArray());
    }

    @Override
    public @Nullable MediaFrame deserialize(WireMessage message) {
        if (!(message instanceof WireMessage.Binary binary)) {
            log.debug("Ignoring a text message: the protobuf format is binary");
            return null;
        }
        PipecatFrames.Frame wire;
        try {
            wire = PipecatFrames.Frame.parseFrom(binary.data());
        } catch (InvalidProtocolBufferException e) {
            log.error("Unable to deserialize a valid frame: {}", e.getMessage());
            return null;
        }
        try {
            return fromWire(wire);
        } catch (IllegalArgumentException e) {
            // The frame records check what the wire cannot: an odd byte count, a zero sample rate.
            log.warn("Ignoring a frame with invalid fields: {}", e.getMessage());
            return null;
        }
    }

    private static @Nullable MediaFrame fromWire(PipecatFrames.Frame wire) {
        switch (wire.getFrameCase()) {
            case TEXT: {
                PipecatFrames.TextFrame t = wire.getText();
                return new TextFrame(t.getId(), t.getName(), t.getText());
            }
            case AUDIO: {
                PipecatFrames.AudioRawFrame a = wire.getAudio();
                // uint32 on the wire: above Integer.MAX_VALUE reads negative and is refused by the record.
                Long pts = a.hasPts() && a.getPts() != 0 ? a.getPts() : null;
                return new AudioInFrame(
                        a.getId(), a.getName(), a.getAudio().toByteArray(), a.getSampleRate(), a.getNumChannels(), pts);
            }
            case TRANSCRIPTION: {
                PipecatFrames.TranscriptionFrame t = wire.getTranscription();
                return new TranscriptionFrame(t.getId(), t.getName(), t.getText(), t.getUserId(), t.getTimestamp());
            }
            case MESSAGE: {
                String data = wire.getMessage().getData();
                JsonNode json = Json.parse(data);
                if (json == null) {
                    log.warn("Ignoring a transport message that is not JSON: {}", Json.excerpt(data));
                    return null;
                }
                return new TransportMessageFrame(json);
            }
            case INTERRUPTION: {
                PipecatFrames.InterruptionFrame i = wire.getInterruption();
                return new InterruptionFrame(i.getId(), i.getName());
            }
            default:
                log.error("Unable to deserialize a valid frame");
                return null;
        }
    }
}
