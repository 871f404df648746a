package dev.tether.server.internal;

import dev.tether.core.Durations;
import dev.tether.core.RpcRequest;
import dev.tether.server.NonBlocking;
import dev.tether.server.RateLimit;
import dev.tether.server.Rpc;
import dev.tether.server.RpcFunction;
import dev.tether.server.RpcOptions;
import dev.tether.server.Session;
import dev.tether.server.TokenBucket;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/** One callable RPC method: its name, checks, limits, how it runs, and how it is invoked. Immutable. */
final class RpcEndpoint {

    /** Binds the request to the Java call and makes it; exceptions are the method's own. */
    @FunctionalInterface
    interface Invoker {
        @Nullable
        Object invoke(Session session, RpcRequest request) throws Throwable;
    }

    final String name;
    /** Where it came from, for logs: {@code ChatHandler.send} or {@code function 'time'}. */
    final String origin;

    final boolean streaming;
    /** Whether it may be invoked on the dispatching thread (an I/O thread for a {@code @NonBlocking} handler). */
    final boolean inline;

    final @Nullable Predicate<? super Session> requires;
    final RpcOptions.@Nullable FixedWindow window;
    final RpcOptions.@Nullable Bucket bucket;
    final Invoker invoker;
    /** Its meters, made on its first call when the server has a registry ({@link ServerMeters#rpc}). */
    volatile ServerMeters.@Nullable RpcMeters meters;

    private RpcEndpoint(
            String name,
            String origin,
            boolean streaming,
            boolean inline,
            @Nullable Predicate<? super Session> requires,
            RpcOptions.@Nullable FixedWindow window,
            RpcOptions.@Nullable Bucket bucket,
            Invoker invoker) {
        this.name = name;
        this.origin = origin;
        this.streaming = streaming;
        this.inline = inline;
        this.requires = requires;
        this.window = window;
        this.bucket = bucket;
        this.invoker = invoker;
    }

    /** Whether {@code type} makes a streaming method. */
    static boolean isStreamType(Class<?> type) {
        return Flow.Publisher.class.isAssignableFrom(type)
                || Stream.class.isAssignableFrom(type)
                || Iterator.class.isAssignableFrom(type);
    }

    /**
     * The endpoint of an {@link Rpc} method of {@code target}.
     *
     * @throws IllegalArgumentException when it cannot be bound, names an unknown predicate or has a bad limit
     */
    static RpcEndpoint ofMethod(
            Method method, @Nullable Object target, Map<String, Predicate<? super Session>> predicates) {
        String where = ArgumentBinder.describe(method);
        Rpc rpc = method.getAnnotation(Rpc.class);
        if (rpc == null) {
            throw new IllegalArgumentException(where + " is not annotated @Rpc (expected: an @Rpc method;"
                    + " register plain functions with register(RpcOptions, RpcFunction))");
        }
        String name = rpc.value().isEmpty() ? method.getName() : rpc.value();
        if (name.equals(RpcRequest.ABORT_METHOD)) {
            throw new IllegalArgumentException(
                    where + ": @Rpc(\"__abort__\") (expected: a name other than the reserved" + " '__abort__')");
        }
        boolean isStatic = Modifier.isStatic(method.getModifiers());
        if (!isStatic && target == null) {
            throw new IllegalArgumentException(where + " is an instance method (expected: an object to call it on)");
        }
        Predicate<? super Session> requires =
                rpc.requires().isEmpty() ? null : predicate(where + ": @Rpc(requires)", rpc.requires(), predicates);
        RpcOptions.FixedWindow window = null;
        RateLimit limit = method.getAnnotation(RateLimit.class);
        if (limit != null) {
            try {
                window = new RpcOptions.FixedWindow(
                        limit.limit(), Durations.parsePeriod(limit.period()), limit.disconnect());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        where + ": @RateLimit(period = \"" + limit.period() + "\"): " + e.getMessage(), e);
            }
        }
        RpcOptions.Bucket bucket = null;
        TokenBucket tb = method.getAnnotation(TokenBucket.class);
        if (tb != null) {
            try {
                bucket = new RpcOptions.Bucket(
                        tb.capacity(), tb.refill(), Durations.parsePeriod(tb.per()), tb.scope(), tb.disconnect());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": @TokenBucket: " + e.getMessage(), e);
            }
        }
        Class<?> returns = method.getReturnType();
        boolean streaming = isStreamType(returns);
        // @NonBlocking on the method promises that this method never blocks, whatever it returns; on the class it
        // covers the handler's callbacks, and of its methods only those whose work goes on after they return.
        boolean classNonBlocking = method.getDeclaringClass().isAnnotationPresent(NonBlocking.class)
                || (target != null && target.getClass().isAnnotationPresent(NonBlocking.class));
        boolean inline = method.isAnnotationPresent(NonBlocking.class)
                || (classNonBlocking
                        && (CompletionStage.class.isAssignableFrom(returns)
                                || Flow.Publisher.class.isAssignableFrom(returns)));
        ArgumentBinder binder = ArgumentBinder.of(method, name);
        if (!method.trySetAccessible()) {
            throw new IllegalArgumentException(where + " cannot be accessed (expected: a public method of a public"
                    + " class, or a package open to Tether)");
        }
        MethodHandle handle;
        try {
            handle = MethodHandles.lookup().unreflect(method);
        } catch (IllegalAccessException e) {
            throw new IllegalArgumentException(where + " cannot be accessed: " + e.getMessage(), e);
        }
        if (!isStatic) {
            handle = handle.bindTo(target);
        }
        MethodHandle spread = handle.asSpreader(Object[].class, method.getParameterCount())
                .asType(MethodType.methodType(Object.class, Object[].class));
        Invoker invoker = (session, request) -> (Object) spread.invokeExact(binder.bind(session, request));
        return new RpcEndpoint(name, where, streaming, inline, requires, window, bucket, invoker);
    }

    /** The endpoint of a function registered with {@code options}. */
    static RpcEndpoint ofFunction(
            RpcOptions options, RpcFunction function, Map<String, Predicate<? super Session>> predicates) {
        String origin = "function '" + options.name() + "'";
        Predicate<? super Session> requires = options.requiredPredicate();
        String requiresName = options.requiredPredicateName();
        if (requiresName != null) {
            requires = predicate(origin + ": requires", requiresName, predicates);
        }
        Invoker invoker = (session, request) -> function.call(new FunctionCall(session, request));
        return new RpcEndpoint(
                options.name(),
                origin,
                options.isStreaming(),
                options.isNonBlocking(),
                requires,
                options.fixedWindow(),
                options.tokenBucket(),
                invoker);
    }

    private static Predicate<? super Session> predicate(
            String where, String name, Map<String, Predicate<? super Session>> predicates) {
        Predicate<? super Session> p = predicates.get(name);
        if (p == null) {
            throw new IllegalArgumentException(where + ": '" + name + "' (expected: one of the predicates registered"
                    + " with TetherServer.builder().predicate(name, predicate): " + new TreeSet<>(predicates.keySet())
                    + ")");
        }
        return p;
    }

    @Override
    public String toString() {
        return "RpcEndpoint{" + name + " = " + origin + (streaming ? ", streaming" : "") + "}";
    }
}
