package dev.tether.server;

import dev.tether.core.Durations;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * How an {@link RpcFunction} is exposed: the options that annotations give an {@link Rpc} method. Immutable; each
 * method returns a changed copy.
 *
 * <pre>{@code
 * RpcOptions.named("search")
 *         .requires("loggedIn")                 // a predicate registered on the builder
 *         .rateLimit(5, "1m")                   // like @RateLimit(limit = 5, period = "1m")
 * }</pre>
 */
public final class RpcOptions {
    private final String name;
    private final @Nullable String requiresName;
    private final @Nullable Predicate<? super Session> requires;
    private final @Nullable FixedWindow fixedWindow;
    private final @Nullable Bucket tokenBucket;
    private final boolean streaming;
    private final boolean nonBlocking;

    private RpcOptions(
            String name,
            @Nullable String requiresName,
            @Nullable Predicate<? super Session> requires,
            @Nullable FixedWindow fixedWindow,
            @Nullable Bucket tokenBucket,
            boolean streaming,
            boolean nonBlocking) {
        this.name = name;
        this.requiresName = requiresName;
        this.requires = requires;
        this.fixedWindow = fixedWindow;
        this.tokenBucket = tokenBucket;
        this.streaming = streaming;
        this.nonBlocking = nonBlocking;
    }

    /** Options for a method callable as {@code name}, with no permission, no limit, unary, run on a worker. */
    public static RpcOptions named(String name) {
        return new RpcOptions(checkName(name), null, null, null, null, false, false);
    }

    /** The same options under another name. */
    public RpcOptions name(String name) {
        return new RpcOptions(
                checkName(name), requiresName, requires, fixedWindow, tokenBucket, streaming, nonBlocking);
    }

    /** Requires the predicate registered on the builder as {@code predicateName}; see {@link Rpc#requires()}. */
    public RpcOptions requires(String predicateName) {
        if (predicateName.isEmpty()) {
            throw new IllegalArgumentException("predicateName: '' (expected: the name of a registered predicate)");
        }
        return new RpcOptions(name, predicateName, null, fixedWindow, tokenBucket, streaming, nonBlocking);
    }

    /** Requires {@code predicate}, e.g. {@code Predicates.has("user")}; a caller for whom it is false gets ACCESS_DENIED. */
    public RpcOptions requires(Predicate<? super Session> predicate) {
        Objects.requireNonNull(predicate, "predicate");
        return new RpcOptions(name, null, predicate, fixedWindow, tokenBucket, streaming, nonBlocking);
    }

    /** A fixed-window limit, like {@link RateLimit} with {@code disconnect = false}. */
    public RpcOptions rateLimit(int limit, String period) {
        return rateLimit(limit, period, false);
    }

    /** A fixed-window limit, like {@link RateLimit}. */
    public RpcOptions rateLimit(int limit, String period, boolean disconnect) {
        FixedWindow window = new FixedWindow(limit, Durations.parsePeriod(period), disconnect);
        return new RpcOptions(name, requiresName, requires, window, tokenBucket, streaming, nonBlocking);
    }

    /** A token bucket, like {@link TokenBucket}. */
    public RpcOptions tokenBucket(long capacity, long refill, String per, TokenBucket.Scope scope, boolean disconnect) {
        Bucket bucket = new Bucket(capacity, refill, Durations.parsePeriod(per), scope, disconnect);
        return new RpcOptions(name, requiresName, requires, fixedWindow, bucket, streaming, nonBlocking);
    }

    /**
     * Marks the function as streaming: it returns a {@link java.util.concurrent.Flow.Publisher},
     * {@link java.util.stream.Stream} or {@link java.util.Iterator}, and every reply has {@code is_stream: true}.
     */
    public RpcOptions streaming() {
        return new RpcOptions(name, requiresName, requires, fixedWindow, tokenBucket, true, nonBlocking);
    }

    /**
     * Declares that the function never blocks, like {@link NonBlocking} on a method: it is called where the call's
     * checks ran (the session's I/O thread for a {@code @NonBlocking} handler) instead of on a worker thread,
     * whatever it returns.
     */
    public RpcOptions nonBlocking() {
        return new RpcOptions(name, requiresName, requires, fixedWindow, tokenBucket, streaming, true);
    }

    /** The name clients call. */
    public String name() {
        return name;
    }

    /** The name of the required predicate, or {@code null}. */
    public @Nullable String requiredPredicateName() {
        return requiresName;
    }

    /** The required predicate given directly, or {@code null}. */
    public @Nullable Predicate<? super Session> requiredPredicate() {
        return requires;
    }

    /** The fixed-window limit, or {@code null}. */
    public @Nullable FixedWindow fixedWindow() {
        return fixedWindow;
    }

    /** The token bucket, or {@code null}. */
    public @Nullable Bucket tokenBucket() {
        return tokenBucket;
    }

    /** Whether the function streams. */
    public boolean isStreaming() {
        return streaming;
    }

    /** Whether the function declared it never blocks. */
    public boolean isNonBlocking() {
        return nonBlocking;
    }

    @Override
    public String toString() {
        return "RpcOptions{" + name
                + (requiresName != null ? ", requires=" + requiresName : "")
                + (requires != null ? ", requires=" + requires : "")
                + (fixedWindow != null ? ", " + fixedWindow : "")
                + (tokenBucket != null ? ", " + tokenBucket : "")
                + (streaming ? ", streaming" : "")
                + (nonBlocking ? ", nonBlocking" : "")
                + "}";
    }

    private static String checkName(String name) {
        if (name.isEmpty() || name.equals(dev.tether.core.RpcRequest.ABORT_METHOD)) {
            throw new IllegalArgumentException(
                    "name: '" + name + "' (expected: not empty and not the reserved '__abort__')");
        }
        return name;
    }

    /**
     * A fixed-window limit: {@code limit} calls per {@code period} per session; see {@link RateLimit}.
     *
     * @param limit calls per window, 0 refuses all
     * @param period the window
     * @param disconnect whether an offender is disconnected with 1013 after the error reply
     */
    public record FixedWindow(int limit, Duration period, boolean disconnect) {
        public FixedWindow {
            if (limit < 0) {
                throw new IllegalArgumentException("limit: " + limit + " (expected: >= 0)");
            }
            if (period.isNegative() || period.isZero()) {
                throw new IllegalArgumentException("period: " + period + " (expected: > 0)");
            }
        }
    }

    /**
     * A token bucket; see {@link TokenBucket}.
     *
     * @param capacity the most calls the bucket holds
     * @param refill calls added back every {@code per}
     * @param per the refill period
     * @param scope who shares the bucket
     * @param disconnect whether an offender is disconnected with 1013 after the error reply
     */
    public record Bucket(long capacity, long refill, Duration per, TokenBucket.Scope scope, boolean disconnect) {
        public Bucket {
            if (capacity < 1) {
                throw new IllegalArgumentException("capacity: " + capacity + " (expected: > 0)");
            }
            if (refill < 1) {
                throw new IllegalArgumentException("refill: " + refill + " (expected: > 0)");
            }
            if (per.isNegative() || per.isZero()) {
                throw new IllegalArgumentException("per: " + per + " (expected: > 0)");
            }
            Objects.requireNonNull(scope, "scope");
        }
    }
}
