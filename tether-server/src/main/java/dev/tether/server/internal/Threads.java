package dev.tether.server.internal;

import io.netty.util.concurrent.FastThreadLocalThread;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/** Thread factories and the default worker executor. */
final class Threads {
    private Threads() {}

    /** Names I/O threads {@code tether-io-N}; Netty runs faster on its own thread class. */
    static ThreadFactory ioThreads() {
        AtomicInteger next = new AtomicInteger();
        return task -> {
            Thread t = new FastThreadLocalThread(task, "tether-io-" + next.incrementAndGet());
            t.setDaemon(false);
            return t;
        };
    }

    /**
     * A virtual thread per task where the runtime has them (Java 21+), found reflectively because Tether
     * compiles for Java 17; otherwise a fixed pool of {@code tether-worker-N} threads.
     *
     * <p>The fallback pool's queue is not bounded by count, but what it holds is: every task reaches it through
     * {@link WorkerTasks}, which refuses RPC calls, stream pulls and HTTP requests past {@code maxPendingWorkerTasks}
     * and otherwise adds only a session's callbacks (one task at a time per session) and the closing of cancelled
     * streams.
     */
    static ExecutorService newWorkerExecutor() {
        ExecutorService virtual = virtualThreadExecutor();
        if (virtual != null) {
            return virtual;
        }
        int threads = Math.max(16, Runtime.getRuntime().availableProcessors() * 8);
        AtomicInteger next = new AtomicInteger();
        ThreadPoolExecutor pool =
                new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), task -> {
                    Thread t = new Thread(task, "tether-worker-" + next.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    private static @Nullable ExecutorService virtualThreadExecutor() {
        try {
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            Object builder = lookup.findStatic(
                            Thread.class,
                            "ofVirtual",
                            MethodType.methodType(Class.forName("java.lang.Thread$Builder$OfVirtual")))
                    .invoke();
            Class<?> builderType = Class.forName("java.lang.Thread$Builder");
            MethodHandle name = lookup.findVirtual(
                    builderType, "name", MethodType.methodType(builderType, String.class, long.class));
            builder = name.invoke(builder, "tether-worker-", 1L);
            ThreadFactory factory = (ThreadFactory)
                    lookup.findVirtual(builderType, "factory", MethodType.methodType(ThreadFactory.class))
                            .invoke(builder);
            return (ExecutorService) lookup.findStatic(
                            Executors.class,
                            "newThreadPerTaskExecutor",
                            MethodType.methodType(ExecutorService.class, ThreadFactory.class))
                    .invoke(factory);
        } catch (Throwable notAvailable) {
            return null;
        }
    }
}
