package dev.tether.cli.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * The generator's own frame path, so that the measuring instrument costs less per message than the servers it
 * measures (on two cores, a generator as expensive as the raw Netty server makes itself the limit).
 *
 * <p>Sending: {@link #masked} builds a client frame (RFC 6455 §5.2–5.3) once per distinct message; each send writes a
 * retained duplicate of it, so no frame object, header buffer or masking pass is made per message. The masking key is drawn
 * once per prepared message rather than per frame: the RFC's fresh key per frame protects intermediaries from
 * crafted traffic, and no server checks it; this is a load generator on loopback only.
 *
 * <p>Receiving: {@link Decoder} replaces Netty's frame decoder after the handshake and hands on each data message's
 * payload as a {@link ByteBuf} (continuations joined), answers pings with pongs (through Netty's encoder, which
 * stays), and closes on a close frame. It expects what a server sends: unmasked frames.
 */
final class LeanFrames {
    private static final int FIN = 0x80;
    private static final int OPCODE_BINARY = 0x2;
    private static final int MASKED = 0x80;

    private LeanFrames() {}

    /** A new masked binary frame holding {@code payload}; write retained duplicates of it, release it at the end. */
    static ByteBuf masked(byte[] payload) {
        int length = payload.length;
        ByteBuf frame = Unpooled.directBuffer(length + 14);
        frame.writeByte(FIN | OPCODE_BINARY);
        if (length < 126) {
            frame.writeByte(MASKED | length);
        } else if (length <= 0xFFFF) {
            frame.writeByte(MASKED | 126).writeShort(length);
        } else {
            frame.writeByte(MASKED | 127).writeLong(length);
        }
        byte[] key = new byte[4];
        ThreadLocalRandom.current().nextBytes(key);
        frame.writeBytes(key);
        for (int i = 0; i < length; i++) {
            frame.writeByte(payload[i] ^ key[i & 3]);
        }
        return frame;
    }

    /** Decodes a server's frames into message payloads; one per connection. */
    static final class Decoder extends ByteToMessageDecoder {
        private final int maxMessageBytes;
        private @Nullable CompositeByteBuf fragments;

        Decoder(int maxMessageBytes) {
            this.maxMessageBytes = maxMessageBytes;
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
            while (in.readableBytes() >= 2) {
                int start = in.readerIndex();
                int b0 = in.getUnsignedByte(start);
                int b1 = in.getUnsignedByte(start + 1);
                if ((b1 & MASKED) != 0) {
                    throw new CorruptedFrameException("a masked frame from the server (expected: unmasked)");
                }
                int header = 2;
                long length = b1 & 0x7F;
                if (length == 126) {
                    if (in.readableBytes() < 4) {
                        return;
                    }
                    length = in.getUnsignedShort(start + 2);
                    header = 4;
                } else if (length == 127) {
                    if (in.readableBytes() < 10) {
                        return;
                    }
                    length = in.getLong(start + 2);
                    header = 10;
                }
                if (length < 0 || length > maxMessageBytes) {
                    throw new TooLongFrameException("a frame of " + length + " bytes (max " + maxMessageBytes + ")");
                }
                if (in.readableBytes() < header + length) {
                    return;
                }
                in.skipBytes(header);
                ByteBuf payload = in.readRetainedSlice((int) length);
                frame(ctx, b0 & 0x0F, (b0 & FIN) != 0, payload, out);
            }
        }

        private void frame(ChannelHandlerContext ctx, int opcode, boolean fin, ByteBuf payload, List<Object> out) {
            switch (opcode) {
                case 0x0, 0x1, 0x2 -> data(opcode, fin, payload, out);
                // From the tail, so that Netty's encoder (after this decoder in the pipeline) masks it.
                case 0x9 -> ctx.channel().writeAndFlush(new PongWebSocketFrame(payload));
                case 0x8 -> {
                    payload.release();
                    ctx.close();
                }
                default -> payload.release(); // pong, or a reserved opcode a server does not send
            }
        }

        private void data(int opcode, boolean fin, ByteBuf payload, List<Object> out) {
            CompositeByteBuf joined = fragments;
            if (opcode != 0 && joined == null && fin) {
                out.add(payload); // the common case: a whole message in one frame
                return;
            }
            if (opcode != 0 && joined != null) {
                payload.release();
                throw new CorruptedFrameException("a new message inside a fragmented one");
            }
            if (opcode == 0 && joined == null) {
                payload.release();
                throw new CorruptedFrameException("a continuation without a message");
            }
            if (joined == null) {
                joined = Unpooled.compositeBuffer(Integer.MAX_VALUE);
                fragments = joined;
            }
            joined.addComponent(true, payload);
            if (joined.readableBytes() > maxMessageBytes) {
                throw new TooLongFrameException("a message over " + maxMessageBytes + " bytes");
            }
            if (fin) {
                fragments = null;
                out.add(joined);
            }
        }

        @Override
        protected void handlerRemoved0(ChannelHandlerContext ctx) {
            if (fragments != null) {
                fragments.release();
                fragments = null;
            }
        }
    }
}
