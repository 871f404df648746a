package dev.tether.core;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tether.core.internal.JacksonMappers;
import dev.tether.core.internal.JacksonPacketCodec;

/**
 * Returns the shared codecs of the two wire formats.
 *
 * <p>Each format has one codec with one configured Jackson mapper; codecs are immutable and thread-safe, so every
 * connection uses the same instance.
 *
 * <pre>{@code
 * PacketCodec codec = PacketCodecs.of(WireFormat.JSON);
 * byte[] bytes = codec.encode(Packet.channel("news", "hi"));
 * // {"source":2,"data":"hi","rpc":null,"channel":"news","timestamp":null,"correlation_id":null}
 * }</pre>
 *
 * <p>Non-finite doubles: MessagePack writes NaN and the infinities as they are. JSON has no such numbers, so the JSON
 * codec writes them as {@code null} (as msgspec, the Python peer, does, and as {@code JSON.parse} in a browser needs);
 * when reading, it accepts the tokens {@code NaN}, {@code Infinity} and {@code -Infinity} that Python's {@code json}
 * module writes.
 */
public final class PacketCodecs {
    private PacketCodecs() {}

    /** Returns the MessagePack codec, for framework clients ({@code webshocket.v1}). */
    public static PacketCodec msgpack() {
        return JacksonPacketCodec.msgpack();
    }

    /** Returns the JSON codec, for generic clients; it writes compact UTF-8 JSON. */
    public static PacketCodec json() {
        return JacksonPacketCodec.json();
    }

    /**
     * Returns the Jackson mapper configured as the JSON codec writes and reads values (bytes as base64, instants as
     * ISO-8601 text, non-finite doubles as {@code null}), for tools that print or parse single values as JSON.
     */
    public static ObjectMapper jsonMapper() {
        return JacksonMappers.json();
    }

    /** Returns the codec of {@code format}. */
    public static PacketCodec of(WireFormat format) {
        return switch (format) {
            case MSGPACK -> msgpack();
            case JSON -> json();
        };
    }
}
