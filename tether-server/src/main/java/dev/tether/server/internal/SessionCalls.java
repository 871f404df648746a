package dev.tether.server.internal;

import dev.tether.core.CloseCodes;
import dev.tether.core.EncodingException;
import dev.tether.core.Packet;
import dev.tether.core.RpcErrorCode;
import dev.tether.core.RpcRequest;
import dev.tether.core.RpcResponse;
import dev.tether.server.Session;
import io.github.bucket4j.Bucket;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RPC side of one session: its running calls, its streams, its rate-limit state.
 *
 * <p>{@link #received} runs where the session's handler callbacks run (in order with {@code onConnect} and
 * {@code onPacket}, so a permission set in {@code onConnect} is seen), makes the checks in the spec's order (lookup,
 * permission, rate limit) and launches the call, which then runs concurrently with the session's other calls. A
 * slot of {@code rpcTaskLimit} is taken per call until its last reply; over the limit a call is refused at once. A
 * call for a worker is refused at once too, with the same error code, when the server's workers have
 * {@code maxPendingWorkerTasks} tasks pending ({@link WorkerTasks}): no call waits in an unbounded queue.
 */
final class SessionCalls {
    private static final Logger log = LoggerFactory.getLogger(SessionCalls.class);

    /** The error a call gets when its reply was refused by a full outbound queue. */
    static final String REPLY_REFUSED =
            "Reply not sent: the session's outbound queue is full (maxQueuedBytes); read faster or retry.";

    private final RpcDispatcher dispatcher;
    private final Session session;
    private final AtomicInteger active = new AtomicInteger();
    private final Map<String, StreamCall> streams = new ConcurrentHashMap<>();
    private final Map<RpcEndpoint, FixedWindowCounter> windows = new ConcurrentHashMap<>();
    private final Map<RpcEndpoint, Bucket> buckets = new ConcurrentHashMap<>();
    private RpcDispatcher.@Nullable AddressBuckets address; // guarded by this
    private volatile boolean closed;

    SessionCalls(RpcDispatcher dispatcher, Session session) {
        this.dispatcher = dispatcher;
        this.session = session;
    }

    Session session() {
        return session;
    }

    RpcDispatcher dispatcher() {
        return dispatcher;
    }

    /** Calls that took a slot and have not sent their last reply. */
    int active() {
        return active.get();
    }

    /** A request from the client. */
    void received(RpcRequest request) {
        if (request.method().equals(RpcRequest.ABORT_METHOD)) {
            abort(request);
            return;
        }
        if (closed) {
            return;
        }
        long start = dispatcher.meters() == null ? 0 : dispatcher.clock().nanoTime();
        String name = request.method();
        String callId = request.callId();
        RpcEndpoint endpoint = dispatcher.lookup(name);
        if (endpoint == null) {
            refuse(
                    null,
                    start,
                    RpcResponse.error(
                            callId, RpcErrorCode.METHOD_NOT_FOUND, "RPC method '" + name + "' not found.", false));
            return;
        }
        boolean stream = endpoint.streaming;
        Predicate<? super Session> requires = endpoint.requires;
        if (requires != null) {
            boolean allowed;
            try {
                allowed = requires.test(session);
            } catch (RuntimeException e) {
                refuse(endpoint, start, dispatcher.failure(session, request, e, stream));
                return;
            }
            if (!allowed) {
                refuse(
                        endpoint,
                        start,
                        RpcResponse.error(
                                callId,
                                RpcErrorCode.ACCESS_DENIED,
                                "Access denied for RPC method '" + name + "'.",
                                stream));
                return;
            }
        }
        Boolean disconnect = overLimit(endpoint);
        if (disconnect != null) {
            refuse(
                    endpoint,
                    start,
                    RpcResponse.error(
                            callId,
                            RpcErrorCode.RATE_LIMIT_EXCEEDED,
                            "Rate limit exceeded for RPC method '" + name + "'.",
                            stream));
            if (disconnect) {
                log.debug("Session {}: over the rate limit of '{}'; disconnecting", session.id(), name);
                session.close(CloseCodes.TRY_AGAIN_LATER, CloseCodes.RATE_LIMIT_EXCEEDED);
            }
            return;
        }
        if (active.incrementAndGet() > dispatcher.taskLimit()) {
            active.decrementAndGet();
            refuse(
                    endpoint,
                    start,
                    RpcResponse.error(
                            callId,
                            RpcErrorCode.INTERNAL_SERVER_ERROR,
                            "Too many concurrent RPC calls on this connection (limit " + dispatcher.taskLimit() + ").",
                            stream));
            return;
        }
        if (stream) {
            startStream(endpoint, request, start);
            return;
        }
        String refused = launch(endpoint, () -> runUnary(endpoint, request, start));
        if (refused != null) {
            finishUnary(endpoint, start, RpcResponse.error(callId, RpcErrorCode.INTERNAL_SERVER_ERROR, refused, false));
        }
    }

    /** Answers a call that did not run. */
    private void refuse(@Nullable RpcEndpoint endpoint, long start, RpcResponse response) {
        record(endpoint, start, ServerMeters.outcome(response)); // before the reply: whoever sees it sees the count
        reply(response);
    }

    /** Times a call that ended, when the server has meters; {@code start} is 0 otherwise. */
    void record(@Nullable RpcEndpoint endpoint, long start, int outcome) {
        ServerMeters meters = dispatcher.meters();
        if (meters != null) {
            (endpoint == null ? meters.unknownMethod() : meters.rpc(endpoint))
                    .record(outcome, start, dispatcher.clock().nanoTime());
        }
    }

    /**
     * Applies the method's limits at the clock's now.
     *
     * @return {@code null} when the call may run, else whether the offender is to be disconnected
     */
    private @Nullable Boolean overLimit(RpcEndpoint endpoint) {
        var window = endpoint.window;
        if (window != null
                && !windows.computeIfAbsent(endpoint, e -> new FixedWindowCounter())
                        .tryAcquire(dispatcher.clock().nanoTime(), window)) {
            return window.disconnect();
        }
        var bucket = endpoint.bucket;
        if (bucket != null && !bucketOf(endpoint, bucket).tryConsume(1)) {
            return bucket.disconnect();
        }
        return null;
    }

    private Bucket bucketOf(RpcEndpoint endpoint, dev.tether.server.RpcOptions.Bucket spec) {
        if (spec.scope() == dev.tether.server.TokenBucket.Scope.SESSION) {
            return buckets.computeIfAbsent(endpoint, e -> dispatcher.newBucket(spec));
        }
        RpcDispatcher.AddressBuckets shared;
        synchronized (this) {
            shared = address;
            if (shared == null) {
                if (closed) {
                    return dispatcher.newBucket(spec); // the call's reply is dropped anyway; keep no shared state
                }
                shared = dispatcher.join(session.remoteAddress().getAddress());
                address = shared;
            }
        }
        return shared.bucket(endpoint, () -> dispatcher.newBucket(spec));
    }

    /**
     * Runs a call's task where its endpoint wants it: inline, or on a worker if the workers have room.
     *
     * @return {@code null}, or why the workers refused the task: they are full, or shutting down
     */
    private @Nullable String launch(RpcEndpoint endpoint, Runnable task) {
        if (endpoint.inline) {
            task.run();
            return null;
        }
        try {
            dispatcher.workers().executeIfRoom(task);
            return null;
        } catch (WorkerTasks.Full full) {
            return dispatcher.workers().fullMessage();
        } catch (RejectedExecutionException shuttingDown) {
            return "Server is shutting down.";
        }
    }

    private void runUnary(RpcEndpoint endpoint, RpcRequest request, long start) {
        Object result;
        try {
            result = endpoint.invoker.invoke(session, request);
        } catch (Throwable t) { // user code: every failure becomes the call's error reply
            finishUnary(endpoint, start, dispatcher.failure(session, request, t, false));
            return;
        }
        if (result instanceof java.util.concurrent.CompletionStage<?> stage) {
            stage.whenComplete((value, error) -> finishUnary(
                    endpoint,
                    start,
                    error != null
                            ? dispatcher.failure(session, request, error, false)
                            : RpcResponse.result(request.callId(), value)));
        } else {
            finishUnary(endpoint, start, RpcResponse.result(request.callId(), result));
        }
    }

    private void finishUnary(RpcEndpoint endpoint, long start, RpcResponse response) {
        active.decrementAndGet(); // before the reply, so the caller's next call finds the slot free
        record(endpoint, start, ServerMeters.outcome(response)); // and the count
        reply(response);
    }

    private void startStream(RpcEndpoint endpoint, RpcRequest request, long start) {
        String callId = request.callId();
        StreamCall call = new StreamCall(this, callId, endpoint, start);
        if (streams.putIfAbsent(callId, call) != null) {
            active.decrementAndGet();
            refuse(
                    endpoint,
                    start,
                    RpcResponse.error(
                            callId,
                            RpcErrorCode.INTERNAL_SERVER_ERROR,
                            "Call id '" + callId + "' is already in use by a running stream.",
                            true));
            return;
        }
        if (closed) { // close() ran between the check in received() and the put: it may have missed this call
            call.cancel();
            return;
        }
        WorkerTasks workers = dispatcher.workers();
        String refused = launch(endpoint, () -> call.start(endpoint, request, workers));
        if (refused != null) {
            call.abort(refused);
        }
    }

    /** A stream ended, however ({@code outcome} as {@link ServerMeters#outcome}); frees its slot. */
    void streamEnded(StreamCall call, int outcome) {
        if (streams.remove(call.callId(), call)) {
            active.decrementAndGet();
            record(call.endpoint(), call.start(), outcome);
        }
    }

    private void abort(RpcRequest request) {
        if (request.args().isEmpty() || !(request.args().get(0) instanceof String target)) {
            log.debug("Session {}: __abort__ without a call id: {}", session.id(), request.args());
            return;
        }
        StreamCall call = streams.get(target);
        if (call != null) {
            call.cancel();
        }
    }

    /** The session became writable: drive the streams that paused. Event loop. */
    void writable() {
        if (streams.isEmpty()) {
            return;
        }
        for (StreamCall call : streams.values()) {
            if (call.paused()) {
                call.drive();
            }
        }
    }

    /** The session closed: cancel its streams and give back shared state. Event loop, once. */
    void close() {
        closed = true;
        for (StreamCall call : streams.values()) {
            call.cancel();
        }
        RpcDispatcher.AddressBuckets shared;
        synchronized (this) {
            shared = address;
            address = null;
        }
        if (shared != null) {
            dispatcher.leave(session.remoteAddress().getAddress());
        }
    }

    /**
     * Sends a reply; a closed session drops it quietly. Returns whether it was queued.
     *
     * <p>A caller waits for its reply, so a reply the outbound queue refuses is never just dropped: the call gets
     * a short error reply instead, and when even that does not fit the session is closed with 1008, which fails
     * the call on the client at once rather than leaving it to wait for ever.
     */
    boolean reply(RpcResponse response) {
        boolean sent = encodeAndSend(response);
        if (sent || !session.isOpen()) {
            return sent;
        }
        log.warn(
                "Session {}: the reply to call {} does not fit in the outbound queue (maxQueuedBytes); "
                        + "answering with an error",
                session.id(),
                response.callId());
        if (session.send(Packet.rpc(RpcResponse.error(
                response.callId(), RpcErrorCode.INTERNAL_SERVER_ERROR, REPLY_REFUSED, response.isStream())))) {
            return false;
        }
        log.warn(
                "Session {}: not even an error reply to call {} fits in the outbound queue; closing with 1008",
                session.id(),
                response.callId());
        session.close(CloseCodes.POLICY_VIOLATION, "outbound queue full");
        return false;
    }

    private boolean encodeAndSend(RpcResponse response) {
        try {
            return session.send(Packet.rpc(response));
        } catch (EncodingException e) {
            if (response.isError()) {
                log.warn("Session {}: could not encode the error reply to call {}", session.id(), response.callId(), e);
                return false;
            }
            log.warn("Session {}: the result of call {} cannot be encoded", session.id(), response.callId(), e);
            return session.send(Packet.rpc(RpcResponse.error(
                    response.callId(),
                    RpcErrorCode.INTERNAL_SERVER_ERROR,
                    "Server error (EncodingException): " + e.getMessage(),
                    response.isStream())));
        }
    }
}
