package dev.tether.core;

import java.io.OutputStream;

/**
 * Turns packets into bytes of one {@link WireFormat} and back.
 *
 * <p>Encoding writes the spec's exact layout: the six keys in order with nulls written, {@code "type"} first
 * in RPC maps, byte arrays as MessagePack {@code bin} or base64 JSON strings. Decoding is lenient: missing
 * optional keys are null, unknown keys are ignored, and input that is not a packet becomes an
 * {@link PacketSource#UNKNOWN} packet holding a copy of the raw bytes; decoding never throws for bad
 * input.
 *
 * <p>Codecs are immutable and safe to share between threads.
 */
public interface PacketCodec {

    /** The format this codec reads and writes. */
    WireFormat format();

    /**
     * Writes {@code packet} to {@code out}.
     *
     * @throws EncodingException if {@code data} holds a value the format cannot write; nothing useful has
     *     been written to {@code out} then
     */
    void encode(Packet packet, OutputStream out);

    /** Returns the encoded bytes of {@code packet}; see {@link #encode(Packet, OutputStream)}. */
    byte[] encode(Packet packet);

    /** Decodes one packet from {@code length} bytes of {@code bytes} at {@code offset}; never throws for bad input. */
    Packet decode(byte[] bytes, int offset, int length);

    /** Decodes one packet from all of {@code bytes}; never throws for bad input. */
    default Packet decode(byte[] bytes) {
        return decode(bytes, 0, bytes.length);
    }
}
