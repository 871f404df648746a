package dev.tether.server;

import org.jspecify.annotations.Nullable;

/**
 * A session present in a channel, on this node or another: see {@link TetherServer.Builder#presence}.
 *
 * @param session the session's id
 * @param info what {@link TetherServer.Builder#presenceInfo} told about it, decoded; {@code null} for nothing
 */
public record PresenceMember(String session, @Nullable Object info) {}
