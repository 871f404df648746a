package dev.tether.cluster.nats.internal;

/**
 * What the history and presence stores of one broker share.
 *
 * @param owner how logs and errors name the broker
 * @param node this node's id, in the {@code Tether-Node} header of what it sends
 */
record Context(
        String owner,
        String node,
        Subjects subjects,
        JetStreamCalls calls,
        Streams streams,
        Link link,
        Outbox outbox,
        Counters counters) {}
