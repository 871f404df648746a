package dev.tether.bench.load;

/** What the load generator sends and what it counts as delivered. */
public enum Scenario {
    /**
     * Each connection sends BINARY frames holding one MessagePack {@code CUSTOM} packet of the payload and counts
     * the frames that come back; any server that echoes frames (raw Netty, node {@code ws}) or packets (Tether)
     * answers it.
     */
    ECHO,
    /** Each connection calls a unary RPC method ({@code echo} or {@code add}) and counts the responses. */
    RPC
}
