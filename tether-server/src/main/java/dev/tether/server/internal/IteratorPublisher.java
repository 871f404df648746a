package dev.tether.server.internal;

import java.util.Iterator;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Flow.Publisher} over an {@link Iterator} (or a {@code Stream}'s), for one subscriber: items are pulled on
 * the workers, only as many as requested, so a blocking iterator never runs on an I/O thread and a slow
 * reader stops the pulling. {@code resource} (a {@code Stream}) is closed once, when the iteration ends or is
 * cancelled, on the pulling thread.
 *
 * <p>A subscription has at most one task with the workers at a time. A pull is refusable work: when the workers are
 * full the subscriber gets {@link WorkerTasks.Full} as its error. Closing the resource after a cancel or a refusal
 * is not refusable (it frees what the application holds); an iterator without a resource needs no task to stop.
 */
final class IteratorPublisher implements Flow.Publisher<Object> {
    private static final Logger log = LoggerFactory.getLogger(IteratorPublisher.class);

    private final Iterator<?> iterator;
    private final @Nullable AutoCloseable resource;
    private final WorkerTasks workers;
    private final AtomicBoolean subscribed = new AtomicBoolean();

    IteratorPublisher(Iterator<?> iterator, @Nullable AutoCloseable resource, WorkerTasks workers) {
        this.iterator = iterator;
        this.resource = resource;
        this.workers = workers;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super Object> subscriber) {
        if (!subscribed.compareAndSet(false, true)) {
            subscriber.onSubscribe(new Flow.Subscription() {
                @Override
                public void request(long n) {}

                @Override
                public void cancel() {}
            });
            subscriber.onError(new IllegalStateException("an iterator can be consumed once"));
            return;
        }
        subscriber.onSubscribe(new Pull(subscriber));
    }

    private final class Pull implements Flow.Subscription, Runnable {
        private final Flow.Subscriber<? super Object> subscriber;
        private final AtomicLong demand = new AtomicLong();
        private final AtomicInteger wip = new AtomicInteger();
        private volatile boolean cancelled;
        private boolean finished; // pulling thread only

        Pull(Flow.Subscriber<? super Object> subscriber) {
            this.subscriber = subscriber;
        }

        @Override
        public void request(long n) {
            if (n <= 0) {
                cancel();
                subscriber.onError(new IllegalArgumentException("request: " + n + " (expected: > 0)"));
                return;
            }
            demand.accumulateAndGet(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b);
            if (wip.getAndIncrement() != 0) {
                return; // the task with the workers sees the new demand
            }
            try {
                workers.executeIfRoom(this);
            } catch (WorkerTasks.Full full) {
                // wip stays above zero: no pull is queued after this refusal
                cancelled = true;
                closeOnWorker();
                subscriber.onError(full);
            } catch (RejectedExecutionException shuttingDown) {
                cancelled = true;
                close();
            }
        }

        @Override
        public void cancel() {
            cancelled = true;
            if (resource != null && wip.getAndIncrement() == 0) { // else nothing to close, or the task closes it
                closeOnWorker();
            }
        }

        /** Has {@link #run} close the resource, which it does once it sees {@code cancelled}; the caller holds wip. */
        private void closeOnWorker() {
            if (resource == null) {
                return;
            }
            try {
                workers.execute(this);
            } catch (RejectedExecutionException shuttingDown) {
                close();
            }
        }

        @Override
        public void run() {
            int missed = 1;
            while (true) {
                while (!finished && !cancelled && demand.get() > 0) {
                    Object item;
                    try {
                        if (!iterator.hasNext()) {
                            finished = true;
                            close();
                            subscriber.onComplete();
                            return;
                        }
                        item = iterator.next();
                    } catch (Throwable t) { // the iterator is user code; report whatever it throws
                        finished = true;
                        close();
                        subscriber.onError(t);
                        return;
                    }
                    demand.decrementAndGet();
                    subscriber.onNext(item);
                }
                if (cancelled && !finished) {
                    finished = true;
                    close();
                    return;
                }
                if (finished) {
                    return;
                }
                missed = wip.addAndGet(-missed);
                if (missed == 0) {
                    return;
                }
            }
        }

        private void close() {
            AutoCloseable r = resource;
            if (r != null) {
                try {
                    r.close();
                } catch (Exception e) {
                    log.warn("Closing a streamed Stream failed", e);
                }
            }
        }
    }
}
