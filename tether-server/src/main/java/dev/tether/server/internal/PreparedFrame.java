package dev.tether.server.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * A whole server-to-client data frame, header and payload in one buffer, made once per publication and written to
 * every subscriber as it is (gorilla/websocket's {@code PreparedMessage} does the same): a fan-out to 10,000
 * sessions then makes no frame object, no header buffer and one outbound-buffer entry per session instead of two.
 *
 * <p>The header is the one RFC 6455 §5.2 prescribes for a server: FIN set, no RSV bits, the opcode, no mask, and
 * the payload length in the shortest of its three forms. Only sessions without an extension take prepared frames
 * (permessage-deflate must compress per connection), and only whole messages up to
 * {@link DefaultSession#FRAGMENT_BYTES}; Netty's encoder writes everything else.
 */
final class PreparedFrame {
    private static final int FIN = 0x80;
    private static final int OPCODE_TEXT = 0x1;
    private static final int OPCODE_BINARY = 0x2;

    private PreparedFrame() {}

    /** A new buffer holding the frame of {@code payload}'s readable bytes; the caller owns it. */
    static ByteBuf of(ByteBuf payload, boolean text, ByteBufAllocator alloc) {
        int length = payload.readableBytes();
        if (length > DefaultSession.FRAGMENT_BYTES) {
            throw new IllegalArgumentException(
                    "payload: " + length + " bytes (expected: at most " + DefaultSession.FRAGMENT_BYTES + ")");
        }
        ByteBuf frame = alloc.buffer(length + 4);
        frame.writeByte(FIN | (text ? OPCODE_TEXT : OPCODE_BINARY));
        if (length < 126) {
            frame.writeByte(length);
        } else if (length <= 0xFFFF) {
            frame.writeByte(126).writeShort(length);
        } else {
            frame.writeByte(127).writeLong(length);
        }
        frame.writeBytes(payload, payload.readerIndex(), length);
        return frame;
    }
}
