package dev.tether.client;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/** A session protocol that records what it is told; its handshake is scriptable. */
class RecordingProtocol implements SessionProtocol {
    final BlockingQueue<String> texts = new ArrayBlockingQueue<>(1024);
    final BlockingQueue<byte[]> binaries = new ArrayBlockingQueue<>(1024);
    final AtomicInteger handshakes = new AtomicInteger();
    final AtomicInteger resubscribes = new AtomicInteger();
    final AtomicInteger sessionsClosed = new AtomicInteger();
    volatile Function<ClientSession, CompletionStage<Void>> handshake =
            session -> CompletableFuture.completedFuture(null);

    @Override
    public CompletionStage<Void> handshake(ClientSession session) {
        handshakes.incrementAndGet();
        return handshake.apply(session);
    }

    @Override
    public CompletionStage<Void> resubscribe(ClientSession session) {
        resubscribes.incrementAndGet();
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void onText(ClientSession session, String text) {
        texts.offer(text);
    }

    @Override
    public void onBinary(ClientSession session, byte[] bytes) {
        binaries.offer(bytes);
    }

    @Override
    public void onSessionClosed(ClientSession session) {
        sessionsClosed.incrementAndGet();
    }

    @Nullable
    String takeText() throws InterruptedException {
        return texts.poll(RecordingListener.TIMEOUT.toNanos(), TimeUnit.NANOSECONDS);
    }

    byte @Nullable [] takeBinary(Duration timeout) throws InterruptedException {
        return binaries.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }
}
