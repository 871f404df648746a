package dev.tether.cli.demo;

import java.time.Duration;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * The items 1..n, one per tick, for one subscriber, as requested. Every signal to the subscriber comes from the one
 * {@code tether-demo-count} thread, so signals never overlap; a tick without demand sends nothing and a cancel stops
 * the ticks.
 *
 * <p>Why not a {@code Stream} that sleeps between items: on Java 17 RPC methods run on a pool of 16 worker
 * threads, and a few long counts from the page would hold all of them asleep. Ticks on a scheduler hold no thread.
 */
final class CountPublisher implements Flow.Publisher<Integer> {
    /** The scheduler of every count; its thread ends after a minute without work. */
    private static final ScheduledThreadPoolExecutor TICKS = ticks();

    private final int n;
    private final Duration interval;
    private final AtomicBoolean subscribed = new AtomicBoolean();

    CountPublisher(int n, Duration interval) {
        this.n = n;
        this.interval = interval;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super Integer> subscriber) {
        if (!subscribed.compareAndSet(false, true)) {
            subscriber.onSubscribe(new Flow.Subscription() {
                @Override
                public void request(long ignored) {}

                @Override
                public void cancel() {}
            });
            subscriber.onError(new IllegalStateException("a count has one subscriber"));
            return;
        }
        Ticks ticks = new Ticks(subscriber);
        subscriber.onSubscribe(ticks);
        ticks.start();
    }

    private final class Ticks implements Flow.Subscription, Runnable {
        private final Flow.Subscriber<? super Integer> subscriber;
        private final AtomicLong demand = new AtomicLong();
        private volatile boolean cancelled;
        private volatile @Nullable ScheduledFuture<?> schedule;
        private int sent; // the ticking thread only
        private boolean done; // the ticking thread only

        Ticks(Flow.Subscriber<? super Integer> subscriber) {
            this.subscriber = subscriber;
        }

        void start() {
            // The first item goes out at once; the delay is between items.
            schedule = TICKS.scheduleWithFixedDelay(this, 0, interval.toNanos(), TimeUnit.NANOSECONDS);
            if (cancelled) {
                stop();
            }
        }

        @Override
        public void request(long more) {
            if (more <= 0) {
                cancel();
                subscriber.onError(new IllegalArgumentException("request: " + more + " (expected: > 0)"));
                return;
            }
            demand.accumulateAndGet(more, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b);
        }

        @Override
        public void cancel() {
            cancelled = true;
            stop();
        }

        @Override
        public void run() {
            if (done || cancelled) {
                // A tick that ran before start() kept the schedule may have ended the count: stop again here.
                done = true;
                stop();
                return;
            }
            if (demand.get() > 0) {
                demand.decrementAndGet();
                subscriber.onNext(++sent);
            }
            if (sent == n) {
                done = true;
                stop();
                subscriber.onComplete();
            }
        }

        private void stop() {
            ScheduledFuture<?> s = schedule;
            if (s != null) {
                s.cancel(false);
            }
        }
    }

    private static ScheduledThreadPoolExecutor ticks() {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, task -> {
            Thread t = new Thread(task, "tether-demo-count");
            t.setDaemon(true);
            return t;
        });
        executor.setKeepAliveTime(1, TimeUnit.MINUTES);
        executor.allowCoreThreadTimeOut(true);
        executor.setRemoveOnCancelPolicy(true);
        return executor;
    }
}
