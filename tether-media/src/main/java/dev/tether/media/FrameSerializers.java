package dev.tether.media;

import dev.tether.media.internal.serializer.ProtobufSerializer;
import java.time.Duration;

/**
 * The serializers Tether ships: pipecat's protobuf format for its browser client. Each call returns a new instance for
 * one connection.
 */
public final class FrameSerializers {
    static final Duration DEFAULT_HANG_UP_TIMEOUT = Duration.ofSeconds(10);

    private FrameSerializers() {}

    /** pipecat's protobuf format with the defaults: interruptions are sent. */
    public static FrameSerializer protobuf() {
        return protobuf(ProtobufOptions.defaults());
    }

    /** pipecat's protobuf format, binary frames of {@code pipecat.Frame}. */
    public static FrameSerializer protobuf(ProtobufOptions options) {
        return new ProtobufSerializer(options);
    }
}
