package dev.tether.client;

import static org.assertj.core.api.Assertions.fail;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/** Records a stream's signals in order; requests nothing by itself. */
final class RecordingSubscriber implements Flow.Subscriber<Object> {
    static final Object COMPLETE = "<complete>";

    private final BlockingQueue<Object> signals = new ArrayBlockingQueue<>(4096);
    volatile Flow.@Nullable Subscription subscription;

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        this.subscription = subscription;
    }

    @Override
    public void onNext(Object item) {
        signals.offer(item);
    }

    @Override
    public void onError(Throwable error) {
        signals.offer(error);
    }

    @Override
    public void onComplete() {
        signals.offer(COMPLETE);
    }

    void request(long n) {
        Flow.Subscription s = subscription;
        if (s == null) {
            fail("not subscribed");
        } else {
            s.request(n);
        }
    }

    void cancel() {
        Flow.Subscription s = subscription;
        if (s != null) {
            s.cancel();
        }
    }

    /** The next signal: an item, a Throwable, or {@link #COMPLETE}. */
    Object next() throws InterruptedException {
        Object signal = signals.poll(10, TimeUnit.SECONDS);
        return signal == null ? fail("no signal within 10 s") : signal;
    }

    /** The next signal, which must be an error. */
    Throwable nextError() throws InterruptedException {
        Object signal = next();
        return signal instanceof Throwable t ? t : fail("expected an error, got " + signal);
    }

    /** The next signal if one is already there. */
    @Nullable
    Object poll() {
        return signals.poll();
    }
}
