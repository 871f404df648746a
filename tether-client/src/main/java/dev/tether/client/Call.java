package dev.tether.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One remote call as {@link TetherClient#call(Call)} and {@link TetherClient#stream(Call)} send it: the method, its
 * positional and keyword arguments, and optionally its own timeout. Immutable; every {@code with} method returns a
 * new call.
 *
 * <pre>{@code
 * client.call(Call.of("greet", "Ada").withKwarg("loud", true).withTimeout(Duration.ofSeconds(5)));
 * }</pre>
 *
 * <p>Arguments are values the packet codecs can write (see {@link dev.tether.core.Packet}); {@code null} is allowed.
 */
public final class Call {
    private final String method;
    private final List<@Nullable Object> args;
    private final Map<String, @Nullable Object> kwargs;
    private final @Nullable Duration timeout;

    private Call(
            String method,
            List<@Nullable Object> args,
            Map<String, @Nullable Object> kwargs,
            @Nullable Duration timeout) {
        this.method = method;
        this.args = args;
        this.kwargs = kwargs;
        this.timeout = timeout;
    }

    /**
     * A call of {@code method} with positional arguments.
     *
     * @throws IllegalArgumentException if the method name is blank
     */
    public static Call of(String method, @Nullable Object... args) {
        if (method.isBlank()) {
            throw new IllegalArgumentException("method: '" + method + "' (expected: a method name)");
        }
        List<@Nullable Object> list = new ArrayList<>(args.length);
        Collections.addAll(list, args);
        return new Call(method, Collections.unmodifiableList(list), Map.of(), null);
    }

    /** This call with {@code args} as its positional arguments instead. */
    public Call withArgs(List<?> args) {
        return new Call(method, Collections.unmodifiableList(new ArrayList<@Nullable Object>(args)), kwargs, timeout);
    }

    /** This call with {@code kwargs} as its keyword arguments instead, in their iteration order. */
    public Call withKwargs(Map<String, ?> kwargs) {
        Map<String, @Nullable Object> copy = new LinkedHashMap<>(kwargs);
        return new Call(method, args, Collections.unmodifiableMap(copy), timeout);
    }

    /** This call with one more keyword argument (replacing one of the same name). */
    public Call withKwarg(String name, @Nullable Object value) {
        Map<String, @Nullable Object> copy = new LinkedHashMap<>(kwargs);
        copy.put(Objects.requireNonNull(name, "name"), value);
        return new Call(method, args, Collections.unmodifiableMap(copy), timeout);
    }

    /**
     * This call waiting at most {@code timeout} for its answer instead of the client's
     * {@link TetherClientConfig#callTimeout()}. Streams ignore it.
     */
    public Call withTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout: " + timeout + " (expected: > 0)");
        }
        return new Call(method, args, kwargs, timeout);
    }

    /** The remote method's name. */
    public String method() {
        return method;
    }

    /** The positional arguments, unmodifiable. */
    public List<@Nullable Object> args() {
        return args;
    }

    /** The keyword arguments, unmodifiable, in order. */
    public Map<String, @Nullable Object> kwargs() {
        return kwargs;
    }

    /** This call's own timeout, or {@code null} for the client's default. */
    public @Nullable Duration timeout() {
        return timeout;
    }

    @Override
    public String toString() {
        return "Call(" + method + ", args " + args + ", kwargs " + kwargs + (timeout == null ? "" : ", " + timeout)
                + ")";
    }
}
