package dev.tether.client.internal;

import dev.tether.client.RpcCallException;
import java.util.ArrayDeque;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One streaming call as its subscriber sees it: items wait in a bounded buffer until requested, and the end (or a
 * failure) is signalled once the buffered items are out.
 *
 * <p>Items arrive on the event loop, requests on any thread; signals are serialized by the drain loop (whoever
 * increments {@link #wip} from zero emits, the others leave a note), so the subscriber is never called
 * concurrently, as Reactive Streams rule 1.3 requires, and never re-entrantly deeper than one drain.
 */
final class StreamCall extends PendingCall implements Flow.Subscription {
    private static final Logger log = LoggerFactory.getLogger(StreamCall.class);

    private final Flow.Subscriber<? super Object> subscriber;
    private final int bufferLimit;
    private final AtomicInteger wip = new AtomicInteger();

    // Guarded by this.
    private final ArrayDeque<Object> buffer = new ArrayDeque<>();
    private long requested;
    private @Nullable Throwable failure;
    private boolean ended;
    private boolean terminated;
    private boolean cancelled;

    StreamCall(
            DefaultTetherClient client,
            String method,
            String callId,
            Flow.Subscriber<? super Object> subscriber,
            int bufferLimit) {
        super(client, method, callId);
        this.subscriber = subscriber;
        this.bufferLimit = bufferLimit;
    }

    @Override
    void answered(dev.tether.core.RpcResponse response) {
        if (response.isError()) {
            if (client.release(this)) {
                end(client.errorOf(this, response));
            }
            return;
        }
        if (response.isEnd()) {
            // The end marker's response is not an item.
            if (client.release(this)) {
                end(null);
            }
            return;
        }
        Object item = response.response();
        if (item == null) {
            log.debug("Stream {} ({}): skipping a null item (Reactive Streams forbid null elements)", callId, method);
            return;
        }
        boolean overflow;
        synchronized (this) {
            if (cancelled || ended) {
                return;
            }
            overflow = buffer.size() >= bufferLimit;
            if (!overflow) {
                buffer.add(item);
            }
        }
        if (overflow) {
            overflowed();
        } else {
            drain();
        }
    }

    private void overflowed() {
        if (!client.release(this)) {
            return;
        }
        log.warn(
                "Stream {} ({}): the subscriber left {} items unrequested; cancelling the stream",
                callId,
                method,
                bufferLimit);
        client.sendAbort(this);
        synchronized (this) {
            buffer.clear();
        }
        end(new RpcCallException(
                "stream buffer full: the subscriber of '" + method + "' left " + bufferLimit
                        + " items unrequested (expected: at most streamBufferItems " + bufferLimit
                        + "); the stream was aborted",
                method,
                callId,
                null));
    }

    @Override
    void fail(RpcCallException error) {
        end(error);
    }

    /** Ends the stream: {@code error == null} completes it. Buffered items go out first. */
    private void end(@Nullable Throwable error) {
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
            failure = error;
        }
        drain();
    }

    @Override
    public void request(long n) {
        if (n <= 0) {
            // Rule 3.9: a non-positive request cancels and is signalled as onError.
            if (client.release(this)) {
                client.sendAbort(this);
            }
            synchronized (this) {
                buffer.clear();
                ended = true;
                failure = new IllegalArgumentException("request: " + n + " (expected: > 0, Reactive Streams rule 3.9)");
            }
            drain();
            return;
        }
        synchronized (this) {
            long sum = requested + n;
            requested = sum < 0 ? Long.MAX_VALUE : sum;
        }
        drain();
    }

    @Override
    public void cancel() {
        synchronized (this) {
            if (cancelled) {
                return;
            }
            cancelled = true;
            buffer.clear();
        }
        if (client.release(this)) {
            client.sendAbort(this);
        }
    }

    private void drain() {
        if (wip.getAndIncrement() != 0) {
            return;
        }
        int missed = 1;
        while (true) {
            while (true) {
                Object item = null;
                boolean terminate = false;
                Throwable error = null;
                synchronized (this) {
                    if (cancelled || terminated) {
                        return;
                    }
                    if (!buffer.isEmpty() && requested > 0) {
                        item = buffer.poll();
                        if (requested != Long.MAX_VALUE) {
                            requested--;
                        }
                    } else if (buffer.isEmpty() && ended) {
                        terminated = true;
                        terminate = true;
                        error = failure;
                    }
                }
                if (item != null) {
                    try {
                        subscriber.onNext(item);
                    } catch (RuntimeException e) {
                        log.warn("Stream {} ({}): the subscriber threw in onNext; cancelling", callId, method, e);
                        cancel();
                        return;
                    }
                } else if (terminate) {
                    signalTerminal(error);
                    return;
                } else {
                    break;
                }
            }
            missed = wip.addAndGet(-missed);
            if (missed == 0) {
                return;
            }
        }
    }

    private void signalTerminal(@Nullable Throwable error) {
        try {
            if (error == null) {
                subscriber.onComplete();
            } else {
                subscriber.onError(error);
            }
        } catch (RuntimeException e) {
            log.warn("Stream {} ({}): the subscriber threw in its terminal signal; ignored", callId, method, e);
        }
    }

    /** Fails the subscriber before the call was made (not connected, too many calls); onSubscribe came first. */
    void failBeforeStart(RpcCallException error) {
        end(error);
    }
}
