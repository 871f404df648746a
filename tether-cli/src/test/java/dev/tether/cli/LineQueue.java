package dev.tether.cli;

import java.io.Writer;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/** A writer that hands each complete line to a queue, for output written on other threads. */
final class LineQueue extends Writer {
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final StringBuilder partial = new StringBuilder();

    @Override
    public synchronized void write(char[] chars, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            char c = chars[i];
            if (c == '\n') {
                lines.add(partial.toString());
                partial.setLength(0);
            } else if (c != '\r') {
                partial.append(c);
            }
        }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}

    /** Waits up to 10 s for the next line that contains {@code text}, skipping the others. */
    String awaitLine(String text) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            String line = lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new AssertionError("no line containing '" + text + "' within 10 s");
            }
            if (line.contains(text)) {
                return line;
            }
        }
    }

    /** The first line, among those already written, that contains {@code text}; skips the others; null if none. */
    @Nullable
    String pollLine(String text) {
        for (String line = lines.poll(); line != null; line = lines.poll()) {
            if (line.contains(text)) {
                return line;
            }
        }
        return null;
    }
}
