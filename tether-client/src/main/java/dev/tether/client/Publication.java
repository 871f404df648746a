package dev.tether.client;

import dev.tether.core.Packet;
import dev.tether.core.StreamPosition;
import org.jspecify.annotations.Nullable;

/**
 * One publication of a channel subscribed with {@link TetherClient#subscribe}, live or recovered after a reconnect.
 *
 * @param channel the channel it was published to
 * @param data its payload, decoded (see {@link Packet})
 * @param position its place in the channel's history, or {@code null} when the channel keeps none (or the server
 *     has no positions: a server without Tether's extension, a broker that could not number it)
 * @param packet the CHANNEL packet it came in; a recovered publication, which came inside the subscribe reply, gets
 *     one made of the reply's fields, with its position in {@link Packet#extension()} as a live one has it
 */
public record Publication(
        String channel, @Nullable Object data, @Nullable StreamPosition position, Packet packet) {}
