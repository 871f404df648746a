package dev.tether.cli.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;
import org.msgpack.core.MessageFormat;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.ValueType;

/**
 * Reads the slot out of a successful MessagePack RPC reply without decoding the packet: the {@code call_id} of its
 * {@code rpc} map, whose {@code error} is nil. Decoding every reply into a {@code Packet} (maps of every field, the
 * result converted) cost the generator more per message than the server's own work on {@code add}, so {@code rpc}
 * open loop measured the generator; anything else here (an error, a stream, JSON, a shape it does not know) is left
 * to the full decoder.
 */
final class LeanReplies {
    /** The reply is not one this reader settles: decode it fully. */
    static final int UNKNOWN = -1;

    private static final byte[] RPC = "rpc".getBytes(StandardCharsets.UTF_8);
    private static final byte[] CALL_ID = "call_id".getBytes(StandardCharsets.UTF_8);
    private static final byte[] ERROR = "error".getBytes(StandardCharsets.UTF_8);

    private LeanReplies() {}

    /** The non-negative decimal {@code call_id} of a successful reply in {@code frame}, or {@link #UNKNOWN}. */
    static int successfulSlot(ByteBuf frame) {
        // A copy of the frame's bytes (about 100 for an add): msgpack-core wraps a direct ByteBuffer, which is what
        // the generator's frames are, through sun.nio.ch.DirectBuffer, which JDK 17 does not export (an
        // IllegalAccessError).
        byte[] bytes = ByteBufUtil.getBytes(frame);
        try (MessageUnpacker in = MessagePack.newDefaultUnpacker(bytes)) {
            if (in.getNextFormat().getValueType() != ValueType.MAP) {
                return UNKNOWN;
            }
            for (int fields = in.unpackMapHeader(); fields > 0; fields--) {
                if (Arrays.equals(key(in), RPC)) {
                    return slotInRpc(in);
                }
                in.skipValue();
            }
            return UNKNOWN;
        } catch (IOException | RuntimeException e) {
            return UNKNOWN; // not for this reader; the full decoder says what it is
        }
    }

    private static int slotInRpc(MessageUnpacker in) throws IOException {
        if (in.getNextFormat().getValueType() != ValueType.MAP) {
            return UNKNOWN;
        }
        int slot = UNKNOWN;
        boolean noError = false;
        for (int fields = in.unpackMapHeader(); fields > 0; fields--) {
            byte @Nullable [] key = key(in);
            if (Arrays.equals(key, CALL_ID)) {
                slot = in.getNextFormat().getValueType() == ValueType.STRING
                        ? decimal(in.readPayload(in.unpackRawStringHeader()))
                        : UNKNOWN;
                if (slot == UNKNOWN) {
                    return UNKNOWN;
                }
            } else if (Arrays.equals(key, ERROR)) {
                if (in.getNextFormat() != MessageFormat.NIL) {
                    return UNKNOWN;
                }
                in.unpackNil();
                noError = true;
            } else {
                in.skipValue();
            }
        }
        return noError ? slot : UNKNOWN;
    }

    /** Reads a map key: its bytes when it is a string, else null (the key is consumed either way). */
    private static byte @Nullable [] key(MessageUnpacker in) throws IOException {
        if (in.getNextFormat().getValueType() != ValueType.STRING) {
            in.skipValue();
            return null;
        }
        return in.readPayload(in.unpackRawStringHeader());
    }

    /** {@code bytes} as a non-negative decimal below 2^31, or {@link #UNKNOWN}. */
    private static int decimal(byte[] bytes) {
        if (bytes.length == 0 || bytes.length > 9) {
            return UNKNOWN;
        }
        int value = 0;
        for (byte b : bytes) {
            if (b < '0' || b > '9') {
                return UNKNOWN;
            }
            value = value * 10 + (b - '0');
        }
        return value;
    }
}
