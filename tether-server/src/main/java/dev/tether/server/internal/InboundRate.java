package dev.tether.server.internal;

import dev.tether.core.Clock;
import dev.tether.server.InboundRateAction;
import org.jspecify.annotations.Nullable;

/**
 * One connection's inbound rate: a bucket of messages and one of bytes, each holding at most one second of its rate
 * and refilled from the clock. A message takes its tokens even when too few are left, putting the bucket in debt;
 * {@link InboundRateAction#THROTTLE} then pauses reading for as long as the debt takes to pay back, so over time the
 * client sends no faster than the rate and loses nothing. Event loop only.
 */
final class InboundRate {
    private static final double NANOS_PER_SECOND = 1e9;

    private final long messagesPerSecond; // 0: unlimited
    private final long bytesPerSecond; // 0: unlimited
    private final InboundRateAction action;
    private final Clock clock;
    private double messages;
    private double bytes;
    private long refilledNanos;

    private InboundRate(long messagesPerSecond, long bytesPerSecond, InboundRateAction action, Clock clock) {
        this.messagesPerSecond = messagesPerSecond;
        this.bytesPerSecond = bytesPerSecond;
        this.action = action;
        this.clock = clock;
        this.messages = messagesPerSecond;
        this.bytes = bytesPerSecond;
        this.refilledNanos = clock.nanoTime();
    }

    /** The rate of {@code settings}' connections, or {@code null} when they have none. */
    static @Nullable InboundRate of(ConnectionSettings settings, Clock clock) {
        return settings.maxInboundMessagesPerSecond() == 0 && settings.maxInboundBytesPerSecond() == 0
                ? null
                : new InboundRate(
                        settings.maxInboundMessagesPerSecond(),
                        settings.maxInboundBytesPerSecond(),
                        settings.inboundRateAction(),
                        clock);
    }

    InboundRateAction action() {
        return action;
    }

    /**
     * Takes a message of {@code size} bytes and returns how long reading must pause for the connection to be back
     * within its rate: 0 when it is within it.
     */
    long take(int size) {
        long now = clock.nanoTime();
        double seconds = (now - refilledNanos) / NANOS_PER_SECOND;
        refilledNanos = now;
        double debtSeconds = 0;
        if (messagesPerSecond > 0) {
            messages = Math.min(messagesPerSecond, messages + seconds * messagesPerSecond) - 1;
            debtSeconds = Math.max(debtSeconds, -messages / messagesPerSecond);
        }
        if (bytesPerSecond > 0) {
            bytes = Math.min(bytesPerSecond, bytes + seconds * bytesPerSecond) - size;
            debtSeconds = Math.max(debtSeconds, -bytes / bytesPerSecond);
        }
        return debtSeconds <= 0 ? 0 : Math.max(1, (long) Math.ceil(debtSeconds * NANOS_PER_SECOND));
    }

    /** The reason a session over its rate is closed with. */
    String closeReason() {
        return "Message rate exceeded";
    }
}
