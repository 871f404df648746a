package dev.tether.server.internal;

import dev.tether.core.Packet;
import dev.tether.core.PacketCodec;
import dev.tether.server.ClientType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import org.jspecify.annotations.Nullable;

/**
 * One packet for many sessions, encoded at most once per wire format (MessagePack for framework clients, JSON for
 * generic ones), and for sessions that take whole frames at most once more as a {@link PreparedFrame} per format,
 * plain or, for permessage-deflate sessions that share compressed frames, compressed ({@link SharedDeflater}). Each
 * recipient gets a reference-counted view; {@link #release} gives back this object's references. Used by one
 * thread at a time.
 */
final class SharedEncoding {
    private static final int MSGPACK = 0;
    private static final int JSON = 1;

    private final Packet packet;
    private final PacketCodec[] codecs;
    private final SharedDeflater deflater;
    // Per format: the encoding, its plain frame, its compressed frame (the plain one again when not smaller).
    private final @Nullable ByteBuf[] bytes = new ByteBuf[2];
    private final @Nullable ByteBuf[] frames = new ByteBuf[2];
    private final @Nullable ByteBuf[] compressed = new ByteBuf[2];

    /** {@code msgpackEncoding}: the MessagePack bytes when the caller already has them (from another node). */
    SharedEncoding(
            Packet packet,
            PacketCodec msgpack,
            PacketCodec json,
            SharedDeflater deflater,
            byte @Nullable [] msgpackEncoding) {
        this.packet = packet;
        this.codecs = new PacketCodec[] {msgpack, json};
        this.deflater = deflater;
        this.bytes[MSGPACK] = msgpackEncoding == null ? null : Unpooled.wrappedBuffer(msgpackEncoding);
    }

    /**
     * Whether {@code session} gets the packet as a whole {@link PreparedFrame}: it takes prepared frames, plain or
     * compressed, and the message needs no fragments. Encodes the session's format on first use.
     */
    boolean framedFor(DefaultSession session) {
        SessionWriter writer = session.writer();
        return (writer.takesPreparedFrames() || writer.takesSharedCompressedFrames())
                && bytes(format(session)).readableBytes() <= SessionWriter.FRAGMENT_BYTES;
    }

    /** A new view for {@code session}: the whole frame when {@code framed} (see {@link #framedFor}), else the payload. */
    ByteBuf viewFor(DefaultSession session, boolean framed) {
        int format = format(session);
        if (!framed) {
            return bytes(format).retainedDuplicate();
        }
        // Every session of one format has the same frame type (jsonInBinaryFrames is server-wide).
        boolean text = session.writer().textByDefault();
        if (session.writer().takesSharedCompressedFrames()
                && deflater.compresses(bytes(format).readableBytes())) {
            return compressedFrame(format, text).retainedDuplicate();
        }
        return frame(format, text).retainedDuplicate();
    }

    private static int format(DefaultSession session) {
        return session.clientType() == ClientType.FRAMEWORK ? MSGPACK : JSON;
    }

    private ByteBuf bytes(int format) {
        ByteBuf b = bytes[format];
        if (b == null) {
            b = DefaultSession.encode(codecs[format], packet, ByteBufAllocator.DEFAULT);
            bytes[format] = b;
        }
        return b;
    }

    private ByteBuf frame(int format, boolean text) {
        ByteBuf frame = frames[format];
        if (frame == null) {
            frame = PreparedFrame.of(bytes(format), text, ByteBufAllocator.DEFAULT);
            frames[format] = frame;
        }
        return frame;
    }

    private ByteBuf compressedFrame(int format, boolean text) {
        ByteBuf frame = compressed[format];
        if (frame == null) {
            frame = deflater.frame(bytes(format), text, ByteBufAllocator.DEFAULT);
            if (frame == null) {
                frame = frame(format, text).retain(); // compression would not make it smaller: sent as it is
            }
            compressed[format] = frame;
        }
        return frame;
    }

    void release() {
        for (ByteBuf[] bufs : new ByteBuf[][] {bytes, frames, compressed}) {
            for (ByteBuf buf : bufs) {
                if (buf != null) {
                    buf.release();
                }
            }
        }
    }
}
