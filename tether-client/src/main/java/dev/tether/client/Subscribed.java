package dev.tether.client;

import dev.tether.core.StreamPosition;
import org.jspecify.annotations.Nullable;

/**
 * The server's answer to one subscribe of {@link TetherClient#subscribe}: the first one, and each one the client
 * makes by itself to restore the subscription after a reconnect or to fetch what a gap skipped.
 *
 * @param channel the channel
 * @param recoverable whether the channel keeps a history the client can recover from; {@code false} from a server
 *     without Tether's extension
 * @param position the channel's position when the subscription started: the live publications that follow come
 *     after it; {@code null} without a history (or when the server could not read it)
 * @param recovered {@code null} for the first subscribe (nothing to recover); on every later one {@code true} when
 *     every publication missed since the last one delivered follows ({@link #recoveredPublications()} of them, then
 *     the live ones), and {@code false} when some are lost: the history no longer holds them, the channel's history
 *     restarted (a new epoch), or the channel or the server keeps none; reload the state from elsewhere, then the
 *     live publications after {@link #position()} follow
 * @param recoveredPublications how many missed publications follow this answer, before the live ones
 */
public record Subscribed(
        String channel,
        boolean recoverable,
        @Nullable StreamPosition position,
        @Nullable Boolean recovered,
        int recoveredPublications) {}
