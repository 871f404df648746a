package dev.tether.cli.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;

/**
 * CPU time of this process's threads by name, from when it was made: where a server and the generator share the
 * process, the thread names tell their shares apart.
 */
final class ThreadCpu {
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final Map<Long, Long> start = new HashMap<>();

    ThreadCpu() {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            start.put(t.getId(), threads.getThreadCpuTime(t.getId()));
        }
    }

    /** Nanoseconds of CPU the threads whose names start with one of {@code prefixes} used since then. */
    long since(String... prefixes) {
        long total = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            for (String prefix : prefixes) {
                if (t.getName().startsWith(prefix)) {
                    long now = threads.getThreadCpuTime(t.getId());
                    if (now >= 0) {
                        total += now - start.getOrDefault(t.getId(), 0L);
                    }
                    break;
                }
            }
        }
        return total;
    }
}
