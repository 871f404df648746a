package dev.tether.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.ManualClock;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine;

/** A running {@code tether listen} in this JVM: its output, its clock (reconnects wait for it) and its thread. */
record Listening(LineQueue stdout, LineQueue stderr, ManualClock clock, Thread running) {

    /** Starts {@code tether listen URL ARGS…} on a thread of its own, on a manual clock. */
    static Listening start(String url, String... args) {
        LineQueue stdout = new LineQueue();
        LineQueue stderr = new LineQueue();
        CommandLine listenCli =
                TetherCli.commandLine().setOut(new PrintWriter(stdout, true)).setErr(new PrintWriter(stderr, true));
        ManualClock clock = new ManualClock();
        List<String> line = new ArrayList<>(List.of("listen", url));
        line.addAll(List.of(args));
        listenCli.parseArgs(line.toArray(new String[0]));
        ListenCommand listen = listenCli.getSubcommands().get("listen").getCommand();
        listen.clock = clock;
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        Thread running = new Thread(() -> {
            try {
                exit.complete(listen.call());
            } catch (Throwable e) {
                exit.completeExceptionally(e);
            }
        });
        running.start();
        return new Listening(stdout, stderr, clock, running);
    }

    /** Moves the clock to the reconnect the listener has scheduled. */
    void reconnectNow() {
        Duration wait = clock.nextDue();
        assertThat(wait).isNotNull();
        clock.advance(wait);
    }

    /** Interrupts the command, as Ctrl-C would, and waits for it to end. */
    void stop() throws InterruptedException {
        running.interrupt();
        running.join(10_000);
        assertThat(running.isAlive()).isFalse();
    }
}
