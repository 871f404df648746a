package dev.tether.server.internal;

import dev.tether.core.EncodingException;
import dev.tether.core.Packet;
import dev.tether.core.RpcErrorCode;
import dev.tether.core.RpcRequest;
import dev.tether.core.RpcResponse;
import java.util.Collections;
import java.util.Iterator;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running streaming call: subscribes to what the method returned and sends each item as a stream reply.
 *
 * <p>Back-pressure: at most {@link #WINDOW} items are requested ahead, and more only while the session is
 * writable; once it is not, the call stops requesting and the session's writability hook drives it again. So a
 * client that stops reading holds the producer after at most a window of items past the high water mark, instead
 * of growing a queue.
 *
 * <p>{@code request} and {@code cancel} reach the subscription from the producer's thread (in {@code onNext}) and
 * from the I/O thread (writability, {@code __abort__}, close); the {@code wip} loop runs them one at a time, as
 * the Reactive Streams rules ask. One road to the end: {@link #finish(int)} flips {@code done} once.
 */
final class StreamCall implements Flow.Subscriber<Object> {
    private static final Logger log = LoggerFactory.getLogger(StreamCall.class);

    /** Items requested ahead of what was sent; refilled when half are used. */
    static final int WINDOW = 32;

    private static final int INTERNAL_ERROR = ServerMeters.outcome(RpcErrorCode.INTERNAL_SERVER_ERROR);

    private final SessionCalls calls;
    private final String callId;
    private final RpcEndpoint endpoint;
    private final long start; // on the server's clock, for the call's timer; 0 without meters
    private final AtomicBoolean done = new AtomicBoolean();
    private final AtomicLong outstanding = new AtomicLong();
    private final AtomicInteger wip = new AtomicInteger();
    private volatile Flow.@Nullable Subscription subscription;
    private volatile boolean cancelRequested;
    private volatile boolean paused;
    private boolean cancelled; // inside the wip loop only

    StreamCall(SessionCalls calls, String callId, RpcEndpoint endpoint, long start) {
        this.calls = calls;
        this.callId = callId;
        this.endpoint = endpoint;
        this.start = start;
    }

    String callId() {
        return callId;
    }

    RpcEndpoint endpoint() {
        return endpoint;
    }

    long start() {
        return start;
    }

    boolean paused() {
        return paused;
    }

    /** Invokes the method and subscribes to its result. On a worker, or inline for a non-blocking method. */
    @SuppressWarnings("unchecked") // any publisher's items are sent as Objects
    void start(RpcEndpoint endpoint, RpcRequest request, WorkerTasks workers) {
        Flow.Publisher<Object> publisher;
        try {
            Object result = endpoint.invoker.invoke(calls.session(), request);
            publisher = (Flow.Publisher<Object>) asPublisher(result, workers);
        } catch (Throwable t) { // user code: every failure becomes the call's error reply
            RpcResponse failure = calls.dispatcher().failure(calls.session(), request, t, true);
            if (finish(ServerMeters.outcome(failure))) {
                calls.reply(failure);
            }
            return;
        }
        try {
            publisher.subscribe(this);
        } catch (RuntimeException e) {
            onError(e);
        }
    }

    private static Flow.Publisher<?> asPublisher(@Nullable Object result, WorkerTasks workers) {
        if (result instanceof Flow.Publisher<?> p) {
            return p;
        }
        if (result instanceof Stream<?> s) {
            return new IteratorPublisher(s.iterator(), s, workers);
        }
        if (result instanceof Iterator<?> i) {
            return new IteratorPublisher(i, i instanceof AutoCloseable c ? c : null, workers);
        }
        if (result instanceof Iterable<?> i) {
            return new IteratorPublisher(i.iterator(), null, workers);
        }
        if (result == null) {
            return new IteratorPublisher(Collections.emptyIterator(), null, workers);
        }
        throw new IllegalStateException("a streaming method returned "
                + result.getClass().getName() + " (expected: Flow.Publisher, Stream or Iterator)");
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        if (subscription != null) {
            s.cancel(); // a second subscription breaks the rules; keep the first
            return;
        }
        subscription = s;
        drive();
    }

    @Override
    public void onNext(Object item) {
        if (done.get()) {
            return;
        }
        outstanding.decrementAndGet();
        boolean sent;
        try {
            sent = calls.session().send(Packet.rpc(RpcResponse.streamItem(callId, item)));
        } catch (EncodingException e) {
            abort("\nStream aborted: " + e.getMessage());
            return;
        }
        if (!sent) {
            if (calls.session().isOpen()) {
                log.warn(
                        "Session {}: stream {} stopped: the outbound queue is full (the client reads too slowly)",
                        calls.session().id(),
                        callId);
                abort("\nStream aborted: the client reads too slowly (outbound queue full)");
            } else {
                cancel();
            }
            return;
        }
        drive();
    }

    @Override
    public void onError(Throwable error) {
        if (finish(INTERNAL_ERROR)) {
            if (!(error instanceof WorkerTasks.Full)) { // counted and logged by WorkerTasks
                log.warn("Session {}: stream {} failed", calls.session().id(), callId, error);
            }
            String message = error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
            calls.reply(RpcResponse.error(
                    callId, RpcErrorCode.INTERNAL_SERVER_ERROR, "\nStream aborted: " + message, true));
        }
    }

    @Override
    public void onComplete() {
        if (finish(ServerMeters.OK)) {
            calls.reply(RpcResponse.streamEnd(callId));
        }
    }

    /** Stops the stream without a reply: {@code __abort__}, or the session closed. Any thread. */
    void cancel() {
        if (finish(ServerMeters.CANCELLED)) {
            cancelRequested = true;
            drive();
        }
    }

    /** Stops the producer and ends the call with an error reply. Any thread. */
    void abort(String message) {
        if (finish(INTERNAL_ERROR)) {
            cancelRequested = true;
            drive();
            calls.reply(RpcResponse.error(callId, RpcErrorCode.INTERNAL_SERVER_ERROR, message, true));
        }
    }

    /** The single terminal transition: frees the call's slot. Returns whether this call made it. */
    private boolean finish(int outcome) {
        if (done.compareAndSet(false, true)) {
            calls.streamEnded(this, outcome);
            return true;
        }
        return false;
    }

    /** Requests more while the session is writable, or cancels; serialised by {@code wip}. Any thread. */
    void drive() {
        if (wip.getAndIncrement() != 0) {
            return;
        }
        int missed = 1;
        while (true) {
            Flow.Subscription s = subscription;
            if (s != null) {
                if (cancelRequested) {
                    if (!cancelled) {
                        cancelled = true;
                        s.cancel();
                    }
                } else if (!done.get()) {
                    if (calls.session().isWritable()) {
                        paused = false;
                        long have = outstanding.get();
                        if (have <= WINDOW / 2) {
                            outstanding.addAndGet(WINDOW - have);
                            s.request(WINDOW - have);
                        }
                    } else {
                        paused = true;
                        if (calls.session().isWritable()) {
                            // Became writable after the check, maybe before the hook could see the pause: go again.
                            wip.incrementAndGet();
                        }
                    }
                }
            }
            missed = wip.addAndGet(-missed);
            if (missed == 0) {
                return;
            }
        }
    }
}
