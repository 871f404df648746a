package dev.tether.server;

import dev.tether.core.WireFormat;

/** The kind of client on a session, decided once at the handshake by the offered subprotocols. */
public enum ClientType {
    /** A client that offered {@code webshocket.v1}: packets are MessagePack in BINARY frames. */
    FRAMEWORK(WireFormat.MSGPACK),
    /** Any other client: packets are UTF-8 JSON (TEXT frames by default). */
    GENERIC(WireFormat.JSON);

    private final WireFormat format;

    ClientType(WireFormat format) {
        this.format = format;
    }

    /** The wire format packets use with this kind of client. */
    public WireFormat format() {
        return format;
    }
}
