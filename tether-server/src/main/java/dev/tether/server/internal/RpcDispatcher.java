package dev.tether.server.internal;

import dev.tether.core.Clock;
import dev.tether.core.RpcErrorCode;
import dev.tether.core.RpcRequest;
import dev.tether.core.RpcResponse;
import dev.tether.server.RpcException;
import dev.tether.server.RpcOptions;
import dev.tether.server.RpcRegistry;
import dev.tether.server.Session;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.TimeMeter;
import java.lang.reflect.InvocationTargetException;
import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's RPC dispatcher: the method table, the shared settings of every session's {@link SessionCalls}, the
 * token buckets shared per remote address, and the mapping of failures to error replies.
 */
public final class RpcDispatcher {
    private static final Logger log = LoggerFactory.getLogger(RpcDispatcher.class);

    private final MethodTable table;
    private final Clock clock;
    private final TimeMeter timeMeter;
    private final int taskLimit;
    private final Supplier<WorkerTasks> workers;
    private final Map<InetAddress, AddressBuckets> addresses = new ConcurrentHashMap<>();
    private @Nullable ServerMeters meters; // set once, before the server starts

    /**
     * A dispatcher with these named predicates, this clock for rate limits, this many concurrent calls per session,
     * and the workers for calls that may block (asked for at the first call, so they may be created later).
     */
    public RpcDispatcher(
            Map<String, Predicate<? super Session>> predicates,
            Clock clock,
            int taskLimit,
            Supplier<WorkerTasks> workers) {
        this.table = new MethodTable(predicates);
        this.clock = clock;
        this.taskLimit = taskLimit;
        this.workers = workers;
        this.timeMeter = new TimeMeter() {
            @Override
            public long currentTimeNanos() {
                return clock.nanoTime();
            }

            @Override
            public boolean isWallClockBased() {
                return false;
            }
        };
    }

    /** The registry behind {@code server.rpc()}. */
    public RpcRegistry registry() {
        return table;
    }

    /** Registers the {@code @Rpc} methods of the server's handler, if it has any. */
    public void registerHandler(Object handler) {
        table.registerAll(handler, false);
    }

    @Nullable
    RpcEndpoint lookup(String name) {
        return table.lookup(name);
    }

    Clock clock() {
        return clock;
    }

    /** Times every call with these meters from now on; once, before the server starts. */
    void meters(ServerMeters meters) {
        this.meters = meters;
    }

    @Nullable
    ServerMeters meters() {
        return meters;
    }

    int taskLimit() {
        return taskLimit;
    }

    WorkerTasks workers() {
        return workers.get();
    }

    SessionCalls newCalls(DefaultSession session) {
        return new SessionCalls(this, session);
    }

    /**
     * The RPC side of a session that has no connection, for tests and benchmarks: each request given to the returned
     * consumer takes the road of a connection's request: the checks (lookup, permission, rate limit, slot) on the
     * calling thread, the method on the worker executor unless it is non-blocking, the replies to
     * {@code session.send}.
     */
    public Consumer<RpcRequest> calls(Session session) {
        return new SessionCalls(this, session)::received;
    }

    Bucket newBucket(RpcOptions.Bucket spec) {
        return Bucket.builder()
                .addLimit(limit -> limit.capacity(spec.capacity()).refillGreedy(spec.refill(), spec.per()))
                .withCustomTimePrecision(timeMeter)
                .build();
    }

    /** A session from {@code address} uses shared buckets; they live while such a session is open. */
    AddressBuckets join(InetAddress address) {
        return addresses.compute(address, (a, shared) -> {
            AddressBuckets b = shared == null ? new AddressBuckets() : shared;
            b.sessions++;
            return b;
        });
    }

    /** A session that {@link #join}ed closed. */
    void leave(InetAddress address) {
        addresses.computeIfPresent(address, (a, shared) -> --shared.sessions == 0 ? null : shared);
    }

    /** How many remote addresses hold shared buckets; for tests. */
    int sharedAddresses() {
        return addresses.size();
    }

    /**
     * The error reply for a call that failed with {@code error}: INVALID_PARAMS for arguments that do not bind,
     * APPLICATION_ERROR for an {@link RpcException}, INTERNAL_SERVER_ERROR (logged) for anything else.
     */
    RpcResponse failure(Session session, RpcRequest request, Throwable error, boolean stream) {
        Throwable cause = unwrap(error);
        String callId = request.callId();
        if (cause instanceof InvalidParams invalid) {
            return RpcResponse.error(callId, RpcErrorCode.INVALID_PARAMS, invalid.getMessage(), stream);
        }
        if (cause instanceof RpcException app) {
            Object data = app.data();
            if (data == null) {
                return RpcResponse.error(callId, RpcErrorCode.APPLICATION_ERROR, app.getMessage(), stream);
            }
            Map<String, @Nullable Object> detail = new LinkedHashMap<>();
            detail.put("message", app.getMessage());
            detail.put("data", data);
            return new RpcResponse(callId, detail, RpcErrorCode.APPLICATION_ERROR.code(), stream, true);
        }
        log.error("Session {}: RPC call {} of '{}' failed", session.id(), callId, request.method(), cause);
        String type = cause.getClass().getSimpleName().isEmpty()
                ? cause.getClass().getName()
                : cause.getClass().getSimpleName();
        String message = cause.getMessage() == null ? "" : cause.getMessage();
        return RpcResponse.error(
                callId, RpcErrorCode.INTERNAL_SERVER_ERROR, "Server error (" + type + "): " + message, stream);
    }

    private static Throwable unwrap(Throwable error) {
        Throwable t = error;
        while ((t instanceof CompletionException
                        || t instanceof ExecutionException
                        || t instanceof InvocationTargetException)
                && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** The token buckets of one remote address, shared by its sessions. */
    static final class AddressBuckets {
        int sessions; // changed inside ConcurrentHashMap.compute only
        private final Map<RpcEndpoint, Bucket> buckets = new ConcurrentHashMap<>();

        Bucket bucket(RpcEndpoint endpoint, Supplier<Bucket> create) {
            return buckets.computeIfAbsent(endpoint, e -> create.get());
        }
    }
}
