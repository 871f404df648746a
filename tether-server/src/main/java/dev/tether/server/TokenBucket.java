package dev.tether.server;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Limits an {@link Rpc} method with a token bucket: a steady rate with bursts. The bucket holds up to
 * {@code capacity} calls and starts full; {@code refill} calls flow back in every {@code per}, spread evenly. A call
 * with no call left in the bucket gets RATE_LIMIT_EXCEEDED, like {@link RateLimit}.
 *
 * <pre>{@code
 * @Rpc
 * @TokenBucket(capacity = 20, refill = 5, per = "1s")   // bursts of 20, then 5 calls a second
 * public void move(int x, int y) { ... }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface TokenBucket {

    /** The most calls the bucket holds: the longest burst. */
    long capacity();

    /** Calls added back every {@link #per()}. */
    long refill();

    /** The refill period: a number and a unit, {@code s}, {@code m}, {@code h} or {@code d}. */
    String per();

    /** Whose bucket a call takes from; default: one bucket per session. */
    Scope scope() default Scope.SESSION;

    /** Whether an offender is also disconnected: the error reply is sent, then the session closes with 1013. */
    boolean disconnect() default false;

    /** Who shares a bucket. */
    enum Scope {
        /** Each session has its own bucket for the method. */
        SESSION,
        /**
         * All sessions from one remote IP address share a bucket for the method; it lives as long as a session from
         * that address is open.
         */
        REMOTE_ADDRESS
    }
}
