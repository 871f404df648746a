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
 * generic ones), and for sessions that take whole frames at most once more as a {@link PreparedFrame} per format.
 * Each recipient gets a reference-counted view; {@link #release} gives back this object's references. Used by one
 * thread at a time.
 */
final class SharedEncoding {
    private final Packet packet;
    private final PacketCodec msgpack;
    private final PacketCodec json;
    private @Nullable ByteBuf msgpackBytes;
    private @Nullable ByteBuf jsonBytes;
    private @Nullable ByteBuf msgpackFrame;
    private @Nullable ByteBuf jsonFrame;

    /** {@code msgpackEncoding}: the MessagePack bytes when the caller already has them (from another node). */
    SharedEncoding(Packet packet, PacketCodec msgpack, PacketCodec json, byte @Nullable [] msgpackEncoding) {
        this.packet = packet;
        this.msgpack = msgpack;
        this.json = json;
        this.msgpackBytes = msgpackEncoding == null ? null : Unpooled.wrappedBuffer(msgpackEncoding);
    }

    /**
     * Whether {@code session} gets the packet as a whole {@link PreparedFrame}: it takes prepared frames and the
     * message needs no fragments. Encodes the session's format on first use.
     */
    boolean framedFor(DefaultSession session) {
        return session.writer().takesPreparedFrames() && bytes(session).readableBytes() <= SessionWriter.FRAGMENT_BYTES;
    }

    /** A new view for {@code session}: the whole frame when {@code framed} (see {@link #framedFor}), else the payload. */
    ByteBuf viewFor(DefaultSession session, boolean framed) {
        ByteBuf bytes = bytes(session);
        if (!framed) {
            return bytes.retainedDuplicate();
        }
        // Every session of one format has the same frame type (jsonInBinaryFrames is server-wide).
        boolean framework = session.clientType() == ClientType.FRAMEWORK;
        ByteBuf frame = framework ? msgpackFrame : jsonFrame;
        if (frame == null) {
            frame = PreparedFrame.of(bytes, session.writer().textByDefault(), ByteBufAllocator.DEFAULT);
            if (framework) {
                msgpackFrame = frame;
            } else {
                jsonFrame = frame;
            }
        }
        return frame.retainedDuplicate();
    }

    private ByteBuf bytes(DefaultSession session) {
        boolean framework = session.clientType() == ClientType.FRAMEWORK;
        ByteBuf bytes = framework ? msgpackBytes : jsonBytes;
        if (bytes == null) {
            bytes = DefaultSession.encode(framework ? msgpack : json, packet, ByteBufAllocator.DEFAULT);
            if (framework) {
                msgpackBytes = bytes;
            } else {
                jsonBytes = bytes;
            }
        }
        return bytes;
    }

    void release() {
        for (ByteBuf buf : new ByteBuf[] {msgpackBytes, jsonBytes, msgpackFrame, jsonFrame}) {
            if (buf != null) {
                buf.release();
            }
        }
    }
}
