package dev.tether.server.internal;

import dev.tether.server.RpcOptions;

/**
 * One session's fixed window for one method, as webshocket counts: the first call opens a window of
 * {@code period}; up to {@code limit} calls pass in it; the first call at or after its end opens the next one.
 */
final class FixedWindowCounter {
    private boolean open;
    private long windowStart;
    private int count;

    /** Counts a call at {@code nowNanos} (from the server's clock) and returns whether it is allowed. */
    synchronized boolean tryAcquire(long nowNanos, RpcOptions.FixedWindow window) {
        if (window.limit() == 0) {
            return false;
        }
        if (!open || nowNanos - windowStart >= window.period().toNanos()) {
            open = true;
            windowStart = nowNanos;
            count = 0;
        }
        if (count >= window.limit()) {
            return false;
        }
        count++;
        return true;
    }
}
