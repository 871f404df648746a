package dev.tether.server.spi;

import dev.tether.core.StreamPosition;

/**
 * One publication kept in a channel's history.
 *
 * @param position where it stands in the channel
 * @param packet its MessagePack-encoded CHANNEL packet, as it was published
 */
public record HistoryEntry(StreamPosition position, byte[] packet) {}
