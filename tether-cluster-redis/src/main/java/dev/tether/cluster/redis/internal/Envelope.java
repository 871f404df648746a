package dev.tether.cluster.redis.internal;

import dev.tether.core.StreamPosition;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * What one node sends the others over a Redis Pub/Sub channel: a publication, a publication with its place in the
 * channel's history, or a presence join or leave, with the sending node and its sequence number.
 *
 * <pre>
 * byte    version          1
 * byte    kind             1 publication, 2 positioned publication, 3 join, 4 leave
 * int64   node             the sending broker's random id
 * int64   sequence         counts the node's messages from 1, in the order it sent them
 * kind 2: int64 offset, uint8 epoch length, epoch (UTF-8)
 * kind 3, 4: uint16 session length, session (UTF-8)
 * rest    payload          the MessagePack CHANNEL packet (1, 2) or the presence info (3, 4)
 * </pre>
 *
 * All integers are big-endian. The history script appends offset and epoch to a {@link #head} it is given, so the
 * layout of kind 2 up to the payload is fixed here and in {@link Scripts#PUBLISH_WITH_HISTORY}.
 */
public final class Envelope {
    public static final byte VERSION = 1;
    /** Version, kind, node and sequence. */
    public static final int HEAD_BYTES = 18;

    private static final int MAX_SESSION_BYTES = 0xffff;

    private final Kind kind;
    private final long node;
    private final long sequence;
    private final @Nullable StreamPosition position;
    private final @Nullable String session;
    private final byte[] payload;

    private Envelope(
            Kind kind,
            long node,
            long sequence,
            @Nullable StreamPosition position,
            @Nullable String session,
            byte[] payload) {
        this.kind = kind;
        this.node = node;
        this.sequence = sequence;
        this.position = position;
        this.session = session;
        this.payload = payload;
    }

    public Kind kind() {
        return kind;
    }

    /** The sending broker's id. */
    public long node() {
        return node;
    }

    /** The sender's number of this envelope; it grows with every envelope the sender sends. */
    public long sequence() {
        return sequence;
    }

    /** The position of a {@link Kind#POSITIONED} publication, null for other kinds. */
    public @Nullable StreamPosition position() {
        return position;
    }

    /** The session of a {@link Kind#JOIN} or {@link Kind#LEAVE}, null for other kinds. */
    public @Nullable String session() {
        return session;
    }

    /** The packet of a publication, or the info of a presence entry. */
    public byte[] payload() {
        return payload;
    }

    /** What an envelope carries. */
    public enum Kind {
        PUBLICATION(1),
        POSITIONED(2),
        JOIN(3),
        LEAVE(4);

        final byte code;

        Kind(int code) {
            this.code = (byte) code;
        }

        static Kind of(byte code) {
            for (Kind kind : values()) {
                if (kind.code == code) {
                    return kind;
                }
            }
            throw new MalformedEnvelopeException("kind: " + code + " (expected: 1 to 4)");
        }
    }

    /** A publication without a position. */
    public static byte[] publication(long node, long sequence, byte[] packet) {
        return ByteBuffer.allocate(HEAD_BYTES + packet.length)
                .put(head(Kind.PUBLICATION, node, sequence))
                .put(packet)
                .array();
    }

    /** The start of a positioned publication, which the history script completes with offset, epoch and packet. */
    public static byte[] positionedHead(long node, long sequence) {
        return head(Kind.POSITIONED, node, sequence);
    }

    /** A positioned publication, as the history script writes it; for tests and for symmetry with decode. */
    public static byte[] positioned(long node, long sequence, StreamPosition position, byte[] packet) {
        byte[] epoch = position.epoch().getBytes(StandardCharsets.UTF_8);
        if (epoch.length > 255) {
            throw new IllegalArgumentException("epoch: " + position.epoch() + " (expected: at most 255 bytes)");
        }
        return ByteBuffer.allocate(HEAD_BYTES + 9 + epoch.length + packet.length)
                .put(positionedHead(node, sequence))
                .putLong(position.offset())
                .put((byte) epoch.length)
                .put(epoch)
                .put(packet)
                .array();
    }

    /** A presence join ({@code joined}) or leave of {@code session}. */
    public static byte[] presence(boolean joined, long node, long sequence, String session, byte[] info) {
        byte[] id = session.getBytes(StandardCharsets.UTF_8);
        if (id.length > MAX_SESSION_BYTES) {
            throw new IllegalArgumentException(
                    "session: " + id.length + " bytes (expected: at most " + MAX_SESSION_BYTES + ")");
        }
        return ByteBuffer.allocate(HEAD_BYTES + 2 + id.length + info.length)
                .put(head(joined ? Kind.JOIN : Kind.LEAVE, node, sequence))
                .putShort((short) id.length)
                .put(id)
                .put(info)
                .array();
    }

    private static byte[] head(Kind kind, long node, long sequence) {
        return ByteBuffer.allocate(HEAD_BYTES)
                .put(VERSION)
                .put(kind.code)
                .putLong(node)
                .putLong(sequence)
                .array();
    }

    /**
     * Reads an envelope.
     *
     * @throws MalformedEnvelopeException if {@code bytes} is not one this version wrote
     */
    public static Envelope decode(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        need(in, HEAD_BYTES, "head");
        byte version = in.get();
        if (version != VERSION) {
            throw new MalformedEnvelopeException("version: " + version + " (expected: " + VERSION + ")");
        }
        Kind kind = Kind.of(in.get());
        long node = in.getLong();
        long sequence = in.getLong();
        StreamPosition position = null;
        String session = null;
        switch (kind) {
            case POSITIONED -> {
                need(in, 9, "offset and epoch length");
                long offset = in.getLong();
                int length = in.get() & 0xff;
                need(in, length, "epoch");
                String epoch = utf8(in, length, "epoch");
                if (offset < 1 || epoch.isEmpty()) {
                    throw new MalformedEnvelopeException(
                            "position: " + offset + "@" + epoch + " (expected: an offset >= 1 and an epoch)");
                }
                position = new StreamPosition(offset, epoch);
            }
            case JOIN, LEAVE -> {
                need(in, 2, "session length");
                int length = in.getShort() & 0xffff;
                need(in, length, "session");
                session = utf8(in, length, "session");
            }
            case PUBLICATION -> {}
        }
        byte[] payload = new byte[in.remaining()];
        in.get(payload);
        return new Envelope(kind, node, sequence, position, session, payload);
    }

    private static void need(ByteBuffer in, int bytes, String what) {
        if (in.remaining() < bytes) {
            throw new MalformedEnvelopeException(
                    what + ": " + in.remaining() + " bytes left (expected: " + bytes + ") at index " + in.position());
        }
    }

    private static String utf8(ByteBuffer in, int length, String what) {
        ByteBuffer slice = in.slice().limit(length);
        in.position(in.position() + length);
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(slice)
                    .toString();
        } catch (CharacterCodingException e) {
            throw new MalformedEnvelopeException(what + ": not UTF-8 (" + e + ")");
        }
    }

    /** An envelope this version cannot read: logged and dropped by the receiving node. */
    public static final class MalformedEnvelopeException extends IllegalArgumentException {
        MalformedEnvelopeException(String message) {
            super(message);
        }
    }
}
