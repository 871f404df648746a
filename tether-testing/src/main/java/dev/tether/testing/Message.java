package dev.tether.testing;

import java.nio.charset.StandardCharsets;

/**
 * One data message received by {@link TestWebSocketClient}, reassembled from its frames (and decompressed when
 * permessage-deflate is on).
 *
 * @param opcode {@link Frame#TEXT} or {@link Frame#BINARY}
 * @param payload the whole message
 * @param frames how many frames carried it
 */
@SuppressWarnings("ArrayRecordComponent") // raw bytes as received
public record Message(int opcode, byte[] payload, int frames) {

    /** Whether the message came in a TEXT frame. */
    public boolean isText() {
        return opcode == Frame.TEXT;
    }

    /** The payload decoded as UTF-8. */
    public String text() {
        return new String(payload, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "Message{" + Frame.opcodeName(opcode) + ", " + payload.length + " bytes in " + frames + " frame(s)}";
    }
}
