package dev.tether.server;

/**
 * What happens to channel messages for a session whose client reads slower than they are published.
 *
 * <p>A session counts as slow once its outbound bytes pass the high water mark
 * ({@link ServerConfig#writeBufferHighWaterMarkBytes()}). Until then every message is written; from then on the
 * policy of the subscription that matched decides, until the queue drains below the low water mark. Whatever the
 * policy, a session's memory stays within {@link ServerConfig#maxQueuedBytes()}. Every drop, conflation and
 * disconnect is counted in {@link ServerStats} and logged once per session.
 */
public enum SlowConsumerPolicy {
    /** Close the session with 1008 {@code slow consumer} (Centrifugo's behaviour): the client reconnects and resyncs. */
    DISCONNECT,
    /** Drop the new message; what was queued before still arrives, in order. */
    DROP_NEWEST,
    /** Keep the new message and drop the oldest held messages of this subscription to make room. */
    DROP_OLDEST,
    /** Keep only the latest message per channel until the client catches up (prices, positions, presence). */
    CONFLATE
}
