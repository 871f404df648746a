package dev.tether.server.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * A whole server-to-client data frame, header and payload in one buffer, made once per publication or broadcast and
 * written to
 * every subscriber as it is (gorilla/websocket's {@code PreparedMessage} does the same): a fan-out to 10,000
 * sessions then makes no frame object, no header buffer and one outbound-buffer entry per session instead of two.
 *
 * <p>A packet a session sends alone gets the same header written in place, in free bytes its encoding left in front
 * of it ({@link DefaultSession#encode}).
 *
 * <p>The header is the one RFC 6455 §5.2 prescribes for a server: FIN set, no RSV bits, the opcode, no mask, and
 * the payload length in the shortest of its three forms; RSV1 too for a frame compressed once for many
 * permessage-deflate sessions ({@link SharedDeflater}). Sessions without an extension take prepared frames, and
 * permessage-deflate sessions whose compressor keeps no context; only whole messages up to
 * {@link SessionWriter.FRAGMENT_BYTES}. Netty's encoders write everything else.
 */
final class PreparedFrame {
    private static final int FIN = 0x80;
    private static final int RSV1 = 0x40;
    private static final int OPCODE_TEXT = 0x1;
    private static final int OPCODE_BINARY = 0x2;

    /** The longest header a server frame has: 2 bytes and a 64-bit length. */
    static final int MAX_HEADER_BYTES = 10;

    private PreparedFrame() {}

    /** A new buffer holding the frame of {@code payload}'s readable bytes; the caller owns it. */
    static ByteBuf of(ByteBuf payload, boolean text, ByteBufAllocator alloc) {
        int length = payload.readableBytes();
        if (length > SessionWriter.FRAGMENT_BYTES) {
            throw new IllegalArgumentException(
                    "payload: " + length + " bytes (expected: at most " + SessionWriter.FRAGMENT_BYTES + ")");
        }
        int header = headerBytes(length);
        ByteBuf frame = alloc.buffer(header + length);
        setHeader(frame, 0, length, text);
        frame.writerIndex(header);
        frame.writeBytes(payload, payload.readerIndex(), length);
        return frame;
    }

    /** The size of the header of a frame with {@code length} payload bytes. */
    static int headerBytes(int length) {
        return length < 126 ? 2 : length <= 0xFFFF ? 4 : MAX_HEADER_BYTES;
    }

    /** The payload bytes of an unmasked frame of {@code frameBytes} bytes, header included. */
    static int payloadBytes(int frameBytes) {
        return frameBytes - 2 < 126 ? frameBytes - 2 : frameBytes - 4 <= 0xFFFF ? frameBytes - 4 : frameBytes - 10;
    }

    /** Writes the header of a final data frame of {@code length} payload bytes at {@code index} of {@code buf}. */
    static void setHeader(ByteBuf buf, int index, int length, boolean text) {
        setHeader(buf, index, length, text, false);
    }

    /** Writes the header of a final data frame, with RSV1 (permessage-deflate's "compressed") when {@code rsv1}. */
    static void setHeader(ByteBuf buf, int index, int length, boolean text, boolean rsv1) {
        buf.setByte(index, FIN | (rsv1 ? RSV1 : 0) | (text ? OPCODE_TEXT : OPCODE_BINARY));
        if (length < 126) {
            buf.setByte(index + 1, length);
        } else if (length <= 0xFFFF) {
            buf.setByte(index + 1, 126).setShort(index + 2, length);
        } else {
            buf.setByte(index + 1, 127).setLong(index + 2, length);
        }
    }
}
