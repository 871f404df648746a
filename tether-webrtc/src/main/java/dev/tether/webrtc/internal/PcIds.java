package dev.tether.webrtc.internal;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The ids of peer connections, in pipecat's form {@code SmallWebRTCConnection#<n>-<32 hex digits>}: {@code n} counts
 * the connections of this process from 0 (as pipecat numbers its objects), and the hex digits are a random (version 4)
 * UUID without dashes.
 *
 * <p>The counter alone would repeat in every process and be easy to guess; the UUID makes an id unique across
 * processes and unguessable, so that one client cannot renegotiate another's connection.
 */
public final class PcIds {
    private static final String PREFIX = "SmallWebRTCConnection#";
    private static final AtomicLong COUNTER = new AtomicLong();

    private PcIds() {}

    /** A new id; safe from any thread. */
    public static String next() {
        // randomUUID draws from SecureRandom: the id is the only thing that keeps one client from another's connection.
        UUID uuid = UUID.randomUUID();
        return PREFIX + COUNTER.getAndIncrement() + "-" + hex(uuid.getMostSignificantBits())
                + hex(uuid.getLeastSignificantBits());
    }

    /**
     * The UUID of an id: the one {@link #next()} put in it, or, for an id of another form (such as one a client
     * chose), a name-based UUID of its UTF-8 bytes, so that equal ids always give equal UUIDs.
     */
    public static UUID uuid(String pcId) {
        int dash = pcId.lastIndexOf('-');
        if (pcId.startsWith(PREFIX)
                && dash == pcId.length() - 33
                && dash > PREFIX.length()
                && isDigits(pcId, PREFIX.length(), dash)
                && isLowerHex(pcId, dash + 1, pcId.length())) {
            return new UUID(
                    Long.parseUnsignedLong(pcId.substring(dash + 1, dash + 17), 16),
                    Long.parseUnsignedLong(pcId.substring(dash + 17), 16));
        }
        return UUID.nameUUIDFromBytes(pcId.getBytes(StandardCharsets.UTF_8));
    }

    private static String hex(long bits) {
        String digits = Long.toHexString(bits);
        return "0".repeat(16 - digits.length()) + digits;
    }

    private static boolean isDigits(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    private static boolean isLowerHex(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if ((c < '0' || c > '9') && (c < 'a' || c > 'f')) {
                return false;
            }
        }
        return true;
    }
}
