package dev.tether.server;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Exposes a method to clients as an RPC method. Only annotated methods are callable.
 *
 * <p>The method may take the calling {@link Session} first; its other parameters receive the request's positional
 * {@code args} in order, then its {@code kwargs} by parameter name, converted to the declared types (records and
 * POJOs included). What it returns decides how it runs and answers: a plain value (or {@code void}) runs on a worker
 * thread and is the reply; a {@link java.util.concurrent.CompletionStage} completes the reply later; a
 * {@link java.util.concurrent.Flow.Publisher}, {@link java.util.stream.Stream} or {@link java.util.Iterator} makes
 * a streaming method. Throw {@link RpcException} to send an application error. {@code docs/rpc.md} has examples.
 *
 * <pre>{@code
 * @Rpc("math.add")
 * public int add(int a, int b) {
 *     return a + b;
 * }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Rpc {

    /** The name clients call; when set, the Java name is not callable. Default: the Java method name. */
    String value() default "";

    /**
     * The name of a permission predicate registered with {@link TetherServer.Builder#predicate}; a caller for whom
     * it is false gets ACCESS_DENIED. Default: no requirement.
     */
    String requires() default "";
}
