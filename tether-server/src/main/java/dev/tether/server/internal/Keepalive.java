package dev.tether.server.internal;

import dev.tether.core.Cancellable;
import dev.tether.core.Clock;
import dev.tether.core.CloseCodes;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keepalive of one connection, on the injectable clock: a ping after {@code pingInterval} without anything
 * read, and a close with 1011 after {@code idleTimeout} without anything read. One timer at a time, re-armed for
 * whichever deadline comes first; anything read (data, ping, pong) counts. Event loop only.
 */
final class Keepalive {
    private static final Logger log = LoggerFactory.getLogger(Keepalive.class);
    private static final long MIN_DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final WsConnection connection;
    private final Clock clock;
    private final long pingIntervalNanos;
    private final long idleTimeoutNanos;
    private long lastReadNanos;
    private boolean pingSent;
    private @Nullable Cancellable timer;

    Keepalive(WsConnection connection, Duration pingInterval, Duration idleTimeout) {
        this.connection = connection;
        this.clock = connection.clock();
        this.pingIntervalNanos = pingInterval.toNanos();
        this.idleTimeoutNanos = idleTimeout.toNanos();
        this.lastReadNanos = clock.nanoTime();
    }

    /** Arms the first check. */
    void start(ChannelHandlerContext ctx) {
        schedule(ctx);
    }

    /** Something was read from the client. */
    void read() {
        lastReadNanos = clock.nanoTime();
        pingSent = false;
    }

    void stop() {
        Cancellable t = timer;
        if (t != null) {
            t.cancel();
            timer = null;
        }
    }

    private void schedule(ChannelHandlerContext ctx) {
        long next = nextCheckNanos();
        if (next > 0) {
            timer = clock.schedule(Duration.ofNanos(next), () -> check(ctx), ctx.executor());
        }
    }

    /** Nanoseconds until the next ping or idle deadline, or 0 when both are off. */
    private long nextCheckNanos() {
        long idle = clock.nanoTime() - lastReadNanos;
        long next = Long.MAX_VALUE;
        if (pingIntervalNanos > 0 && !pingSent) {
            next = Math.min(next, pingIntervalNanos - idle);
        }
        if (idleTimeoutNanos > 0) {
            next = Math.min(next, idleTimeoutNanos - idle);
        }
        if (next == Long.MAX_VALUE) {
            return pingIntervalNanos > 0 ? pingIntervalNanos : 0;
        }
        return Math.max(next, MIN_DELAY_NANOS);
    }

    private void check(ChannelHandlerContext ctx) {
        timer = null;
        if (!ctx.channel().isActive() || connection.closing()) {
            return;
        }
        long idle = clock.nanoTime() - lastReadNanos;
        if (idleTimeoutNanos > 0 && idle >= idleTimeoutNanos) {
            log.debug("Session {}: nothing received for {} ms; closing", connection.id(), idle / 1_000_000);
            connection.startClose(CloseCodes.INTERNAL_ERROR, "keepalive ping timeout");
            return;
        }
        if (pingIntervalNanos > 0 && idle >= pingIntervalNanos && !pingSent) {
            pingSent = true;
            ctx.writeAndFlush(new PingWebSocketFrame());
        }
        schedule(ctx);
    }
}
