package dev.tether.core;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One webshocket.v1 message: the six-key map {@code source, data, rpc, channel, timestamp, correlation_id}, and
 * a seventh key, {@code tether}, in the packets of Tether's extension.
 *
 * <p>Packets are immutable. {@code data} holds any value the codecs can write: {@code null}, booleans,
 * numbers, strings, {@code byte[]}, lists, maps, arrays, records and POJOs (written by Jackson's usual
 * rules), and {@link java.time.Instant} (a MessagePack timestamp; ISO-8601 text in JSON). Map keys that are
 * numbers or booleans stay numbers and booleans in MessagePack, as a Python peer's would; JSON makes them strings.
 *
 * <p>Decoded values use a small model:
 * <ul>
 *   <li>{@code Boolean};
 *   <li>{@code Integer}, {@code Long} or {@code BigInteger}, the smallest that holds the number (MessagePack
 *       carries {@code -2^63} to {@code 2^64-1});
 *   <li>{@code Double} (a MessagePack float32 widens);
 *   <li>{@code String};
 *   <li>{@code byte[]} for MessagePack {@code bin} (JSON has no bytes: a base64 string stays a {@code String});
 *   <li>{@code List}, an {@code ArrayList};
 *   <li>{@code Map}, a {@code LinkedHashMap} in wire order, with {@code String} keys (in MessagePack, keys of
 *       other types keep their decoded values, and are written back as such);
 *   <li>{@link java.time.Instant} for the MessagePack timestamp extension (type -1), and Jackson's
 *       {@code MessagePackExtensionType} for any other extension type.
 * </ul>
 * Decoded lists and maps are mutable and belong to the receiver. In JSON, NaN and the infinities are written as
 * {@code null} (see {@link PacketCodecs}).
 *
 * <p>Containers nest at most 512 deep (the packet's own map counts as one): deeper input decodes as UNKNOWN, and
 * deeper (or cyclic) data fails to encode with an {@link EncodingException}.
 *
 * <p>A packet's {@code data} may hold an array, so {@link #equals} compares {@code data} by reference
 * for arrays, as records do; compare the decoded value when that matters.
 *
 * @param source where the packet comes from; decides which other keys are meaningful
 * @param data the payload; {@code null} in RPC packets
 * @param rpc the RPC request or response when {@code source} is {@link PacketSource#RPC}
 * @param channel the channel a {@link PacketSource#CHANNEL} packet was published to
 * @param timestamp seconds since the epoch, if the sender set it; never filled automatically
 * @param correlationId free for applications
 * @param extension Tether's extension, the seventh key {@code tether}, written only when set: the position of a
 *     publication or a presence event, for clients that asked for them (see docs/protocol.md); {@code null} for
 *     every webshocket.v1 packet
 */
public record Packet(
        PacketSource source,
        @Nullable Object data,
        @Nullable RpcMessage rpc,
        @Nullable String channel,
        @Nullable Double timestamp,
        @Nullable String correlationId,
        @Nullable Map<String, Object> extension) {

    public Packet {
        if (source == null) {
            throw new NullPointerException("source");
        }
    }

    /** A webshocket.v1 packet: the six keys, no extension. */
    public Packet(
            PacketSource source,
            @Nullable Object data,
            @Nullable RpcMessage rpc,
            @Nullable String channel,
            @Nullable Double timestamp,
            @Nullable String correlationId) {
        this(source, data, rpc, channel, timestamp, correlationId, null);
    }

    /** A packet the application sends to one connection ({@link PacketSource#CUSTOM}). */
    public static Packet custom(@Nullable Object data) {
        return new Packet(PacketSource.CUSTOM, data, null, null, null, null);
    }

    /** A packet sent to every connection ({@link PacketSource#BROADCAST}). */
    public static Packet broadcast(@Nullable Object data) {
        return new Packet(PacketSource.BROADCAST, data, null, null, null, null);
    }

    /** A packet published to {@code channel} ({@link PacketSource#CHANNEL}). */
    public static Packet channel(String channel, @Nullable Object data) {
        return new Packet(PacketSource.CHANNEL, data, null, channel, null, null);
    }

    /** An RPC request or response packet ({@link PacketSource#RPC}). */
    public static Packet rpc(RpcMessage rpc) {
        return new Packet(PacketSource.RPC, null, rpc, null, null, null);
    }

    /** The packet for input that did not decode: {@link PacketSource#UNKNOWN} with the raw bytes as data. */
    public static Packet unknown(byte[] raw) {
        return new Packet(PacketSource.UNKNOWN, raw, null, null, null, null);
    }

    /** Wraps an application value as a packet: a {@code Packet} is returned as it is, anything else as CUSTOM. */
    public static Packet wrap(@Nullable Object dataOrPacket) {
        return dataOrPacket instanceof Packet p ? p : custom(dataOrPacket);
    }

    /** This packet with {@code timestamp} set. */
    public Packet withTimestamp(@Nullable Double timestamp) {
        return new Packet(source, data, rpc, channel, timestamp, correlationId, extension);
    }

    /** This packet with {@code correlation_id} set. */
    public Packet withCorrelationId(@Nullable String correlationId) {
        return new Packet(source, data, rpc, channel, timestamp, correlationId, extension);
    }

    /** This packet with Tether's extension key set, or removed with {@code null}. */
    public Packet withExtension(@Nullable Map<String, Object> extension) {
        return new Packet(source, data, rpc, channel, timestamp, correlationId, extension);
    }

    /** The RPC request this packet carries, or {@code null}. */
    public @Nullable RpcRequest request() {
        return rpc instanceof RpcRequest r ? r : null;
    }

    /** The RPC response this packet carries, or {@code null}. */
    public @Nullable RpcResponse response() {
        return rpc instanceof RpcResponse r ? r : null;
    }
}
