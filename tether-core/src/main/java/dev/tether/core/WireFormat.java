package dev.tether.core;

/** How packets are written on a connection, chosen at the handshake by the subprotocol. */
public enum WireFormat {
    /** MessagePack in BINARY frames: framework clients, which offer the {@code webshocket.v1} subprotocol. */
    MSGPACK,
    /** UTF-8 JSON: generic clients, which offer no (or another) subprotocol. */
    JSON;

    /** The subprotocol token that selects {@link #MSGPACK}. */
    public static final String SUBPROTOCOL = "webshocket.v1";
}
