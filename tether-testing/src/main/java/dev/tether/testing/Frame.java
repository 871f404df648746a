package dev.tether.testing;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * One WebSocket frame, as received by {@link TestWebSocketClient} or as a test wants to send it. Any opcode and
 * any reserved bits are allowed, so a test can build frames a correct peer would never send.
 *
 * @param opcode the 4-bit opcode; see the constants
 * @param fin whether this is the last frame of its message
 * @param rsv the three reserved bits as a number 0..7 ({@code 4} is RSV1, the permessage-deflate bit)
 * @param payload the unmasked payload
 */
@SuppressWarnings("ArrayRecordComponent") // the payload is the point of the record
public record Frame(int opcode, boolean fin, int rsv, byte[] payload) {
    public static final int CONTINUATION = 0x0;
    public static final int TEXT = 0x1;
    public static final int BINARY = 0x2;
    public static final int CLOSE = 0x8;
    public static final int PING = 0x9;
    public static final int PONG = 0xA;

    /** The RSV1 bit in {@link #rsv()}: set on the first frame of a compressed message. */
    public static final int RSV1 = 4;

    public Frame {
        if (opcode < 0 || opcode > 15) {
            throw new IllegalArgumentException("opcode: " + opcode + " (expected: 0..15)");
        }
        if (rsv < 0 || rsv > 7) {
            throw new IllegalArgumentException("rsv: " + rsv + " (expected: 0..7)");
        }
    }

    /** A final TEXT frame holding {@code text} in UTF-8. */
    public static Frame text(String text) {
        return new Frame(TEXT, true, 0, text.getBytes(StandardCharsets.UTF_8));
    }

    /** A final TEXT frame holding {@code bytes} as they are (which need not be valid UTF-8). */
    public static Frame text(byte[] bytes) {
        return new Frame(TEXT, true, 0, bytes);
    }

    /** A final BINARY frame. */
    public static Frame binary(byte[] bytes) {
        return new Frame(BINARY, true, 0, bytes);
    }

    /** A final CONTINUATION frame. */
    public static Frame continuation(byte[] bytes) {
        return new Frame(CONTINUATION, true, 0, bytes);
    }

    /** A PING frame. */
    public static Frame ping(byte[] payload) {
        return new Frame(PING, true, 0, payload);
    }

    /** A PONG frame. */
    public static Frame pong(byte[] payload) {
        return new Frame(PONG, true, 0, payload);
    }

    /** A CLOSE frame with a two-byte {@code code} and a UTF-8 {@code reason}. */
    public static Frame close(int code, String reason) {
        byte[] reasonBytes = reason.getBytes(StandardCharsets.UTF_8);
        return new Frame(
                CLOSE,
                true,
                0,
                ByteBuffer.allocate(2 + reasonBytes.length)
                        .putShort((short) code)
                        .put(reasonBytes)
                        .array());
    }

    /** A CLOSE frame with exactly {@code payload} (empty, one byte, a bad reason...). */
    public static Frame close(byte[] payload) {
        return new Frame(CLOSE, true, 0, payload);
    }

    /** This frame with {@code fin} set as given. */
    public Frame withFin(boolean fin) {
        return new Frame(opcode, fin, rsv, payload);
    }

    /** This frame with the reserved bits set as given (0..7). */
    public Frame withRsv(int rsv) {
        return new Frame(opcode, fin, rsv, payload);
    }

    /** Whether this is a control frame (CLOSE, PING, PONG or a reserved control opcode). */
    public boolean isControl() {
        return opcode >= 8;
    }

    /** The payload decoded as UTF-8 (malformed bytes become U+FFFD). */
    public String payloadText() {
        return new String(payload, StandardCharsets.UTF_8);
    }

    /** The frame's bytes on the wire: masked with {@code maskKey} when it is not {@code null}. */
    public byte[] encode(byte @Nullable [] maskKey) {
        byte[] header = header(opcode, fin, rsv, payload.length, maskKey);
        byte[] out = new byte[header.length + payload.length];
        System.arraycopy(header, 0, out, 0, header.length);
        for (int i = 0; i < payload.length; i++) {
            out[header.length + i] = maskKey == null ? payload[i] : (byte) (payload[i] ^ maskKey[i & 3]);
        }
        return out;
    }

    /**
     * A frame header alone, declaring {@code length} payload bytes whether or not they follow: for frames
     * longer than a limit, or lengths no correct peer writes. The shortest length encoding is used.
     */
    public static byte[] header(int opcode, boolean fin, int rsv, long length, byte @Nullable [] maskKey) {
        if (length < 0) {
            throw new IllegalArgumentException("length: " + length + " (expected: >= 0)");
        }
        int lengthBytes = length < 126 ? 0 : length <= 0xFFFF ? 2 : 8;
        int maskBytes = maskKey == null ? 0 : 4;
        ByteBuffer header = ByteBuffer.allocate(2 + lengthBytes + maskBytes);
        header.put((byte) ((fin ? 0x80 : 0) | (rsv << 4) | opcode));
        int maskBit = maskKey == null ? 0 : 0x80;
        if (lengthBytes == 0) {
            header.put((byte) (maskBit | length));
        } else if (lengthBytes == 2) {
            header.put((byte) (maskBit | 126)).putShort((short) length);
        } else {
            header.put((byte) (maskBit | 127)).putLong(length);
        }
        if (maskKey != null) {
            if (maskKey.length != 4) {
                throw new IllegalArgumentException("maskKey: " + maskKey.length + " bytes (expected: 4)");
            }
            header.put(maskKey);
        }
        return header.array();
    }

    @Override
    public String toString() {
        return "Frame{" + opcodeName(opcode) + (fin ? "" : " !fin") + (rsv == 0 ? "" : " rsv=" + rsv) + ", "
                + payload.length + " bytes}";
    }

    /** The opcode's name, e.g. {@code TEXT}, or {@code reserved(3)}. */
    public static String opcodeName(int opcode) {
        return switch (opcode) {
            case CONTINUATION -> "CONTINUATION";
            case TEXT -> "TEXT";
            case BINARY -> "BINARY";
            case CLOSE -> "CLOSE";
            case PING -> "PING";
            case PONG -> "PONG";
            default -> "reserved(" + opcode + ")";
        };
    }
}
