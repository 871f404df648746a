package dev.tether.core;

import org.jspecify.annotations.Nullable;

/** Where a packet comes from, as the integer {@code source} key of the wire. */
public enum PacketSource {
    /** Sent to every connection by a broadcast. */
    BROADCAST(1),
    /** Published to a channel; the packet's {@code channel} names it. */
    CHANNEL(2),
    /** Input that did not decode as a packet; {@code data} holds the raw bytes. */
    UNKNOWN(3),
    /** Sent by the application to one connection. */
    CUSTOM(4),
    /** An RPC request or response; the packet's {@code rpc} holds it. */
    RPC(5);

    private static final PacketSource[] BY_CODE = {null, BROADCAST, CHANNEL, UNKNOWN, CUSTOM, RPC};

    private final int code;

    PacketSource(int code) {
        this.code = code;
    }

    /** The integer written on the wire. */
    public int code() {
        return code;
    }

    /** Returns the source with this wire code, or {@code null} when no source has it. */
    public static @Nullable PacketSource fromCode(long code) {
        return code >= 1 && code < BY_CODE.length ? BY_CODE[(int) code] : null;
    }
}
