package dev.tether.server.internal;

import io.netty.channel.EventLoop;
import io.netty.util.internal.PlatformDependent;
import java.util.Queue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the outbound drains of the sessions of one event loop, so that a burst of sends to many sessions (a publish
 * to 10,000 subscribers) costs one task on the loop instead of one per session.
 *
 * <p>A session enters the queue only when its own {@code drainScheduled} flag goes up, and leaves it when its
 * drain runs, so the queue never holds more than the loop's sessions: it is bounded by the connection limit. One
 * run drains at most {@value #MAX_DRAINS_PER_RUN} sessions and then yields the loop to its I/O, scheduling itself
 * again if more wait.
 */
final class LoopDrainer implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(LoopDrainer.class);
    private static final int MAX_DRAINS_PER_RUN = 4096;

    private final EventLoop loop;
    private final Queue<SessionWriter> pending = PlatformDependent.newMpscQueue();
    private final AtomicBoolean scheduled = new AtomicBoolean();

    LoopDrainer(EventLoop loop) {
        this.loop = loop;
    }

    /**
     * Queues {@code session}'s drain; from any thread. When the loop has shut down and takes no more tasks, the
     * waiting sessions' queues are freed instead, since nothing can be written any more.
     */
    void schedule(SessionWriter session) {
        pending.add(session);
        if (scheduled.compareAndSet(false, true)) {
            execute();
        }
    }

    private void execute() {
        try {
            loop.execute(this);
        } catch (RejectedExecutionException loopGone) {
            scheduled.set(false);
            for (SessionWriter waiting; (waiting = pending.poll()) != null; ) {
                waiting.loopGone();
            }
        }
    }

    @Override
    public void run() {
        scheduled.set(false);
        for (int i = 0; i < MAX_DRAINS_PER_RUN; i++) {
            SessionWriter session = pending.poll();
            if (session == null) {
                return;
            }
            try {
                session.drain();
            } catch (RuntimeException | Error e) {
                // A drain runs application code (a stream's publisher asked for more); the sessions behind it must
                // still be drained.
                log.warn("Session {}: draining its outbound queue failed", session.id(), e);
            }
        }
        if (!pending.isEmpty() && scheduled.compareAndSet(false, true)) {
            execute();
        }
    }
}
