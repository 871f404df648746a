package dev.tether.server;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares that a handler never blocks, so Tether may call it on the session's I/O thread and skip the hop to
 * a worker thread. A handler that blocks anyway stalls every session of that I/O thread.
 *
 * <p>On a handler class it covers the handler's callbacks and those of its {@link Rpc} methods that return a
 * {@link java.util.concurrent.CompletionStage} or a {@link java.util.concurrent.Flow.Publisher}; its other RPC
 * methods still run on worker threads. On an RPC method it covers that method, whatever it returns: a quick,
 * pure method such as {@code add(a, b)} then answers without leaving the I/O thread.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface NonBlocking {}
