package dev.tether.client.internal;

import dev.tether.client.ConnectionState;
import dev.tether.client.OutboundBufferPolicy;
import dev.tether.client.SendRejectedException;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The bytes accepted by {@code send} and not yet handed to the network, bounded by {@code outboundBufferBytes}, and
 * the messages held while the session is not ready, by the {@link OutboundBufferPolicy}.
 *
 * <p>A message is counted from {@link #reserve} until {@link #release} (written, or failed). {@link #reserve},
 * {@link #release}, {@link #reject}, {@link #queuedBytes} and {@link #isWritable} are safe from any thread, because
 * {@code send} answers "full" on the caller's thread; the held messages are confined to the connection's event loop.
 */
final class OutboundBuffer {
    private final long limitBytes;
    private final OutboundBufferPolicy policy;
    private final AtomicLong queuedBytes = new AtomicLong();
    private final ArrayDeque<Outbound> held = new ArrayDeque<>();

    OutboundBuffer(long limitBytes, OutboundBufferPolicy policy) {
        this.limitBytes = limitBytes;
        this.policy = policy;
    }

    /**
     * Counts {@code out} against the limit, or fails it at once when it does not fit; nothing already counted is
     * dropped. As on the server, the limit bounds what waits, not one message: when nothing waits, a message is
     * taken however large (an echo of a message as large as the limit must not fail).
     *
     * @return whether it was counted
     */
    boolean reserve(Outbound out) {
        while (true) {
            long queued = queuedBytes.get();
            if (queued != 0 && queued + out.size > limitBytes) {
                out.result.completeExceptionally(new SendRejectedException("outbound buffer full: " + queued
                        + " bytes waiting, " + out.size + " more do not fit (expected: <= " + limitBytes + " bytes)"));
                return false;
            }
            if (queuedBytes.compareAndSet(queued, queued + out.size)) {
                return true;
            }
        }
    }

    /** {@code out} left the buffer: written to the network, or about to fail. */
    void release(Outbound out) {
        queuedBytes.addAndGet(-out.size);
    }

    /** Releases {@code out} and fails it with {@code cannot send: reason}. */
    void reject(Outbound out, String reason) {
        release(out);
        out.result.completeExceptionally(new SendRejectedException("cannot send: " + reason));
    }

    /**
     * A send while the session is not ready: {@link OutboundBufferPolicy#QUEUE} holds it until {@link #flush},
     * {@link OutboundBufferPolicy#FAIL_FAST} fails it. While the application disconnects nothing is held.
     */
    void holdWhileNotReady(Outbound out, ConnectionState state, boolean disconnecting) {
        if (policy == OutboundBufferPolicy.QUEUE && !disconnecting) {
            held.add(out);
        } else {
            reject(out, "not connected (state " + state + ", outbound buffer policy " + policy + ")");
        }
    }

    /** Hands every held message, oldest first, to {@code write}: the session is ready. */
    void flush(Consumer<Outbound> write) {
        while (!held.isEmpty()) {
            write.accept(held.poll());
        }
    }

    /** Fails every held message: the connection ended. */
    void failHeld(String reason) {
        while (!held.isEmpty()) {
            reject(held.poll(), reason);
        }
    }

    /** The bytes accepted and not yet handed to the network. */
    long queuedBytes() {
        return queuedBytes.get();
    }

    /** Whether a send of one more byte would be accepted now. */
    boolean isWritable() {
        return queuedBytes.get() < limitBytes;
    }

    /** The number of messages held for the next ready session. */
    int heldMessages() {
        return held.size();
    }
}
