package dev.tether.cli.bench;

/** What the load generator sends and what it counts as delivered. */
public enum Scenario {
    /**
     * Each connection sends BINARY frames holding one MessagePack {@code CUSTOM} packet of the payload and counts
     * the frames that come back; any server that echoes frames (raw Netty, node {@code ws}) or packets (Tether)
     * answers it.
     */
    ECHO,
    /** Each connection calls a unary RPC method ({@code echo} or {@code add}) and counts the responses. */
    RPC,
    /**
     * {@code connections} subscribers of one channel and one more connection that publishes to it through the
     * server's {@code publish(channel, data)} RPC method; deliveries are counted at the subscribers and latency is
     * publish→deliver. The publisher keeps at most {@code depth} publications unanswered and, on average, at most
     * {@code depth} undelivered per subscriber, so no subscriber is pushed into the server's slow-consumer policy;
     * with a rate it publishes on a fixed schedule and measures from the scheduled time (coordinated omission).
     */
    FANOUT,
    /**
     * {@code connections} idle connections, opened from source addresses spread over 127.0.1.1–127.0.1.250 (past
     * the ephemeral ports of one address), held for the duration; the server's {@code /health} memory before and
     * while holding them gives the heap and direct memory per connection, and the report the connect rate.
     */
    CONNECTIONS
}
