package dev.tether.client.internal;

import dev.tether.core.Cancellable;
import dev.tether.core.Clock;
import dev.tether.core.Durations;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Pings one ready session every {@code interval} and reports it half-open when no pong arrives within
 * {@code pongTimeout} of a ping. While a pong is awaited, later pings do not restart its timer: the deadline
 * counts from the oldest unanswered ping.
 *
 * <p>Confined to the session's event loop; its timers read the {@link Clock} and run their tasks on that loop. A zero
 * interval turns heartbeats off.
 */
final class Heartbeat {
    private final Clock clock;
    private final ScheduledExecutorService loop;
    private final Duration interval;
    private final Duration pongTimeout;
    private final Runnable ping;
    private final Consumer<String> halfOpen;

    private boolean stopped;
    private boolean awaitingPong;
    private @Nullable Cancellable pingTimer;
    private @Nullable Cancellable pongTimer;

    /**
     * @param ping writes a ping frame
     * @param halfOpen hears, once, why the connection is considered half-open
     */
    Heartbeat(
            Clock clock,
            ScheduledExecutorService loop,
            Duration interval,
            Duration pongTimeout,
            Runnable ping,
            Consumer<String> halfOpen) {
        this.clock = clock;
        this.loop = loop;
        this.interval = interval;
        this.pongTimeout = pongTimeout;
        this.ping = ping;
        this.halfOpen = halfOpen;
    }

    /** Schedules the first ping, one interval from now. */
    void start() {
        if (!interval.isZero() && !stopped) {
            pingTimer = clock.schedule(interval, this::ping, loop);
        }
    }

    /** A pong (or, with {@code anyFrameIsLiveness}, any frame) arrived: the peer is alive. */
    void pongReceived() {
        awaitingPong = false;
        pongTimer = Timers.cancel(pongTimer);
    }

    /** Cancels both timers; nothing is heard after this. */
    void stop() {
        stopped = true;
        awaitingPong = false;
        pingTimer = Timers.cancel(pingTimer);
        pongTimer = Timers.cancel(pongTimer);
    }

    private void ping() {
        if (stopped) {
            return;
        }
        if (!awaitingPong) {
            awaitingPong = true;
            // Timers are set before the ping is written: a peer that sees the ping knows both are scheduled.
            pongTimer = clock.schedule(pongTimeout, this::pongMissed, loop);
        }
        pingTimer = clock.schedule(interval, this::ping, loop);
        ping.run();
    }

    private void pongMissed() {
        if (stopped || !awaitingPong) {
            return;
        }
        stop();
        halfOpen.accept("no pong within " + Durations.format(pongTimeout) + "; the connection is half-open");
    }
}
