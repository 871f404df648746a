package dev.tether.cli.soak;

import java.util.Locale;

/**
 * One sample of the server during a soak, taken at {@code seconds} after the load started. Sizes are bytes; -1 is a
 * figure the server does not export.
 *
 * @param heapUsed the heap in use ({@code jvm.memory.used}, area heap); right after a full collection when the soak
 *     forces one before each sample
 * @param heapAfterGc the heap after a collection: {@code heapUsed} when the soak forced one, else the old generation
 *     after the last collection ({@code jvm.gc.live.data.size})
 * @param nettyDirect the direct memory Netty allocated ({@code tether.netty.direct.memory.used})
 * @param poolDirect the direct memory of Netty's default allocator's pool ({@code tether.netty.allocator.direct.used})
 * @param jvmDirect the JVM's direct buffer pool ({@code jvm.buffer.memory.used}, id direct)
 * @param p99Millis the 99th percentile of the RPC calls answered since the last sample, or -1 when none was
 * @param calls the RPC calls answered since the last sample
 * @param errors the load's errors so far
 * @param slowConsumerDisconnects the server's slow-consumer disconnects so far ({@code tether.slow.consumer})
 * @param churned the connections the churners ended so far
 * @param stalls the stalled readers' connections so far
 */
record Sample(
        double seconds,
        double heapUsed,
        double heapAfterGc,
        double nettyDirect,
        double poolDirect,
        double jvmDirect,
        double threads,
        double fds,
        double connections,
        double p99Millis,
        long calls,
        long errors,
        double slowConsumerDisconnects,
        long churned,
        long stalls) {
    static final String CSV_HEADER = "seconds,heap_used_bytes,heap_after_gc_bytes,netty_direct_bytes,"
            + "netty_pool_direct_bytes,jvm_direct_bytes,threads,open_fds,connections,p99_ms,calls,errors,"
            + "slow_consumer_disconnects,churned,stalls";

    String toCsv() {
        return String.format(
                Locale.ROOT,
                "%.1f,%.0f,%.0f,%.0f,%.0f,%.0f,%.0f,%.0f,%.0f,%.3f,%d,%d,%.0f,%d,%d",
                seconds,
                heapUsed,
                heapAfterGc,
                nettyDirect,
                poolDirect,
                jvmDirect,
                threads,
                fds,
                connections,
                p99Millis,
                calls,
                errors,
                slowConsumerDisconnects,
                churned,
                stalls);
    }

    /** One line for the terminal. */
    String toLine() {
        return String.format(
                Locale.ROOT,
                "%6.0fs  heap after GC %s  netty direct %s (pool %s)  jvm direct %s  threads %.0f  fds %.0f"
                        + "  connections %.0f  p99 %s  calls %d  errors %d  slow-consumer closes %.0f  churned %d",
                seconds,
                Growth.format(heapAfterGc, "bytes"),
                Growth.format(nettyDirect, "bytes"),
                Growth.format(poolDirect, "bytes"),
                Growth.format(jvmDirect, "bytes"),
                threads,
                fds,
                connections,
                p99Millis < 0 ? "-" : Growth.format(p99Millis, "ms"),
                calls,
                errors,
                slowConsumerDisconnects,
                churned);
    }
}
