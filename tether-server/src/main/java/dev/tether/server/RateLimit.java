package dev.tether.server;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Limits an {@link Rpc} method to {@code limit} calls per {@code period} for each session, in fixed windows, as
 * webshocket does: a session's first call opens a window of {@code period}; calls past {@code limit} in that window
 * get RATE_LIMIT_EXCEEDED {@code Rate limit exceeded for RPC method 'NAME'.}; the first call at or after the
 * window's end opens the next one. A call refused for permission does not count.
 *
 * <pre>{@code
 * @Rpc
 * @RateLimit(limit = 5, period = "1m")
 * public String search(String text) { ... }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface RateLimit {

    /** Calls allowed per window; 0 refuses every call. */
    int limit();

    /** The window: a number and a unit, {@code s}, {@code m}, {@code h} or {@code d}, e.g. {@code "10s"}, {@code "1.5m"}. */
    String period();

    /** Whether an offender is also disconnected: the error reply is sent, then the session closes with 1013. */
    boolean disconnect() default false;
}
