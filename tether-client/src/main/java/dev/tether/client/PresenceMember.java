package dev.tether.client;

import org.jspecify.annotations.Nullable;

/**
 * A session present in a channel that tracks presence, as {@link TetherClient#presence} lists it and
 * {@link SubscriptionListener#onJoin} and {@link SubscriptionListener#onLeave} report it.
 *
 * @param session the server's id of the session
 * @param info what the server tells about it (its {@code presenceInfo}), decoded; {@code null} when it tells nothing
 */
public record PresenceMember(String session, @Nullable Object info) {}
