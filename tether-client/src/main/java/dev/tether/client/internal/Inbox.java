package dev.tether.client.internal;

import dev.tether.client.ConnectionException;
import dev.tether.client.ReceiveTimeoutException;
import dev.tether.core.Cancellable;
import dev.tether.core.Clock;
import dev.tether.core.Packet;
import dev.tether.core.TetherException;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The packets that wait for {@code recv}, and the receives that wait for packets. Both queues are bounded by the
 * same limit: one more packet is dropped (the newest) and counted; one more waiting receive fails at once.
 */
final class Inbox {
    private static final Logger log = LoggerFactory.getLogger(Inbox.class);
    static final String NOT_CONNECTED = "Cannot receive data: client is not connected.";

    private final int limit;
    private final Clock clock;
    private final BooleanSupplier ended;
    private final AtomicLong dropped = new AtomicLong();

    // Guarded by this.
    private final ArrayDeque<Packet> packets = new ArrayDeque<>();
    private final ArrayDeque<CompletableFuture<Packet>> waiters = new ArrayDeque<>();

    /**
     * @param ended whether the connection has ended (or never started), so that nothing more will arrive
     */
    Inbox(int limit, Clock clock, BooleanSupplier ended) {
        this.limit = limit;
        this.clock = clock;
        this.ended = ended;
    }

    /** Hands {@code packet} to the oldest waiting receive, or queues it. */
    void offer(Packet packet) {
        CompletableFuture<Packet> waiter;
        synchronized (this) {
            waiter = waiters.poll();
            if (waiter == null) {
                if (packets.size() >= limit) {
                    long count = dropped.incrementAndGet();
                    if (count == 1 || count % 1000 == 0) {
                        log.warn(
                                "The receive queue is full ({} packets, nobody calls recv); dropped {} packets so far",
                                limit,
                                count);
                    }
                    return;
                }
                packets.add(packet);
                return;
            }
        }
        if (!waiter.complete(packet)) {
            offer(packet); // the waiter timed out meanwhile; the next one (or the queue) gets it
        }
    }

    CompletableFuture<Packet> receive(Duration timeout) {
        CompletableFuture<Packet> waiter = new CompletableFuture<>();
        synchronized (this) {
            Packet next = packets.poll();
            if (next != null) {
                waiter.complete(next);
                return waiter;
            }
            if (ended.getAsBoolean()) {
                waiter.completeExceptionally(new ConnectionException(NOT_CONNECTED));
                return waiter;
            }
            if (waiters.size() >= limit) {
                waiter.completeExceptionally(new TetherException(
                        "too many waiting receives: " + waiters.size() + " (expected: at most " + limit + ")"));
                return waiter;
            }
            waiters.add(waiter);
        }
        Cancellable timer = clock.schedule(
                timeout,
                () -> waiter.completeExceptionally(new ReceiveTimeoutException(
                        "Receive operation timed out after " + seconds(timeout) + " seconds.")));
        waiter.whenComplete((packet, error) -> {
            timer.cancel();
            synchronized (this) {
                waiters.remove(waiter);
            }
        });
        return waiter;
    }

    /** Puts a packet back at the head: a receive got it while its thread was being interrupted. */
    synchronized void putBack(Packet packet) {
        packets.addFirst(packet);
    }

    /** The connection ended: the receives still waiting will get nothing. */
    void connectionEnded() {
        ArrayDeque<CompletableFuture<Packet>> failed;
        synchronized (this) {
            failed = new ArrayDeque<>(waiters);
            waiters.clear();
        }
        for (CompletableFuture<Packet> waiter : failed) {
            waiter.completeExceptionally(new ConnectionException(NOT_CONNECTED));
        }
    }

    long dropped() {
        return dropped.get();
    }

    /** Seconds as Python prints the number given: {@code 5}, {@code 0.5}, {@code 1.25}. */
    static String seconds(Duration duration) {
        BigDecimal seconds = BigDecimal.valueOf(duration.getSeconds())
                .add(BigDecimal.valueOf(duration.getNano(), 9))
                .stripTrailingZeros();
        return seconds.scale() <= 0 ? seconds.toBigInteger().toString() : seconds.toPlainString();
    }
}
