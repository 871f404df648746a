package dev.tether.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.RpcErrorCode;
import dev.tether.core.RpcResponse;
import dev.tether.core.WireFormat;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class RpcStreamingTest {
    private final Handler handler = new Handler();
    private TetherServer server;

    /**
     * A producer that emits on request, on the requesting thread, and records demand and cancellation. It emits
     * {@code count} items (forever when negative), then completes, or fails after {@code failAfter} items.
     */
    static final class Producer implements Flow.Publisher<Object> {
        final AtomicLong requested = new AtomicLong();
        final AtomicLong emitted = new AtomicLong();
        final CountDownLatch cancelled = new CountDownLatch(1);
        final CountDownLatch stalled = new CountDownLatch(1);
        private final long count;
        private final long failAfter;
        private final Object item;
        private final Session session;

        Producer(Session session, long count, long failAfter, Object item) {
            this.session = session;
            this.count = count;
            this.failAfter = failAfter;
            this.item = item;
        }

        @Override
        public void subscribe(Flow.Subscriber<? super Object> subscriber) {
            subscriber.onSubscribe(new Flow.Subscription() {
                private boolean emitting;
                private boolean over;

                @Override
                public synchronized void request(long n) {
                    requested.addAndGet(n);
                    if (emitting) {
                        return; // the running loop below picks the new demand up
                    }
                    emitting = true;
                    while (!over && emitted.get() < requested.get() && cancelled.getCount() > 0) {
                        long i = emitted.incrementAndGet();
                        if (i > failAfter) {
                            over = true;
                            subscriber.onError(new IllegalStateException("kaput"));
                        } else if (count >= 0 && i > count) {
                            over = true;
                            subscriber.onComplete();
                        } else {
                            subscriber.onNext(item instanceof String ? item : i);
                        }
                    }
                    emitting = false;
                    if (!session.isWritable()) {
                        stalled.countDown();
                    }
                }

                @Override
                public void cancel() {
                    cancelled.countDown();
                }
            });
        }
    }

    public static final class Handler implements TetherHandler {
        final BlockingQueue<Producer> producers = new LinkedBlockingQueue<>();
        final CountDownLatch streamClosed = new CountDownLatch(1);

        @Rpc
        public Stream<Integer> count(int n) {
            return IntStream.rangeClosed(1, n).boxed();
        }

        @Rpc
        public Flow.Publisher<Object> numbers(Session session, int count, int failAfter) {
            Producer p = new Producer(session, count, failAfter, 0);
            producers.add(p);
            return p;
        }

        @Rpc
        public Flow.Publisher<Object> flood(Session session, int itemBytes) {
            Producer p = new Producer(session, -1, Long.MAX_VALUE, "x".repeat(itemBytes));
            producers.add(p);
            return p;
        }

        @Rpc
        public Stream<Integer> endless() {
            return Stream.iterate(1, i -> i + 1).onClose(streamClosed::countDown);
        }

        @Rpc
        public int add(int a, int b) {
            return a + b;
        }
    }

    private void start(int lowWaterMark, int highWaterMark) {
        server = TetherServer.builder()
                .host("127.0.0.1")
                .port(0)
                .writeBufferWaterMarks(lowWaterMark, highWaterMark)
                .maxQueuedBytes(64 << 20)
                .handler(handler)
                .build()
                .start();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @ParameterizedTest
    @EnumSource(WireFormat.class)
    void itemsArriveInOrderThenTheEnd(WireFormat format) throws Exception {
        start(512 << 10, 1 << 20);
        try (WsClient client = WsClient.of(format, server)) {
            String id = client.call("count", 5);
            List<RpcResponse> replies = client.streamReplies(id);
            assertThat(replies).extracting(RpcResponse::response).containsExactly(1, 2, 3, 4, 5, null);
            assertThat(replies).allMatch(RpcResponse::isStream);
            assertThat(replies.subList(0, 5)).noneMatch(RpcResponse::isEnd);
            assertThat(replies.get(5).error()).isNull();
        }
    }

    @Test
    void aStreamOfManyItemsKeepsItsOrder() throws Exception {
        start(512 << 10, 1 << 20);
        try (WsClient client = WsClient.msgpack(server)) {
            String id = client.call("numbers", 1000, Integer.MAX_VALUE);
            List<RpcResponse> replies = client.streamReplies(id);
            assertThat(replies).hasSize(1001);
            for (int i = 0; i < 1000; i++) {
                assertThat(((Number) replies.get(i).response()).longValue()).isEqualTo(i + 1);
            }
        }
    }

    @Test
    void anErrorMidStreamEndsItWithStreamAborted() throws Exception {
        start(512 << 10, 1 << 20);
        try (WsClient client = WsClient.json(server)) {
            String id = client.call("numbers", 10, 2);
            List<RpcResponse> replies = client.streamReplies(id);
            assertThat(replies).hasSize(3);
            assertThat(replies).extracting(RpcResponse::response).containsExactly(1, 2, "\nStream aborted: kaput");
            RpcResponse end = replies.get(2);
            assertThat(end.errorCode()).isEqualTo(RpcErrorCode.INTERNAL_SERVER_ERROR);
            assertThat(end.isStream()).isTrue();
            assertThat(end.isEnd()).isTrue();
        }
    }

    @Test
    void abortCancelsTheProducerAndSendsNothing() throws Exception {
        start(512 << 10, 1 << 20);
        try (WsClient client = WsClient.json(server)) {
            String id = client.call("endless");
            RpcResponse first = client.reply();
            assertThat(first.callId()).isEqualTo(id);
            assertThat(first.response()).isEqualTo(1);
            // Stop reading first: a client busy reading a flood can be slow to get its own frames out.
            client.pauseReading();
            client.abort(id);
            assertThat(handler.streamClosed.await(10, TimeUnit.SECONDS))
                    .as("the Stream was closed")
                    .isTrue();
            client.resumeReading();
            // Items sent before the abort arrived may still be on their way; after them, nothing for the stream.
            String next = client.call("add", 1, 2);
            while (true) {
                RpcResponse r = client.reply();
                if (r.callId().equals(next)) {
                    assertThat(r.response()).isEqualTo(3);
                    break;
                }
                assertThat(r.callId()).isEqualTo(id);
                assertThat(r.isEnd()).as("no end reply after an abort").isFalse();
            }
        }
    }

    @Test
    void abortCancelsAPublisher() throws Exception {
        start(512 << 10, 1 << 20);
        try (WsClient client = WsClient.msgpack(server)) {
            String id = client.call("numbers", 1, Integer.MAX_VALUE);
            // A one-item stream ends by itself; abort a flood instead.
            client.streamReplies(id);
            handler.producers.take();
            client.pauseReading(); // a paused stream is cancelled too
            String flood = client.call("flood", 1000);
            Producer producer = handler.producers.poll(10, TimeUnit.SECONDS);
            assertThat(producer).isNotNull();
            client.abort(flood);
            assertThat(producer.cancelled.await(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void closingTheSessionCancelsItsStreams() throws Exception {
        start(512 << 10, 1 << 20);
        WsClient client = WsClient.json(server);
        client.call("endless");
        client.reply();
        client.close();
        assertThat(handler.streamClosed.await(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aSlowReaderHoldsTheProducerInsteadOfGrowingAQueue() throws Exception {
        int itemBytes = 16 << 10;
        start(8 << 10, 32 << 10);
        try (WsClient client = WsClient.msgpack(server)) {
            client.pauseReading();
            String id = client.call("flood", itemBytes);
            Producer producer = handler.producers.poll(10, TimeUnit.SECONDS);
            assertThat(producer).isNotNull();
            assertThat(producer.stalled.await(30, TimeUnit.SECONDS))
                    .as("the stream paused on an unwritable session")
                    .isTrue();
            Session session = server.sessions().get(0);
            // Socket buffers hold a few MB at most; an unbounded producer would be asked for ever more.
            assertThat(producer.requested.get()).isLessThan(2_000);
            assertThat(session.queuedBytes()).isLessThan((32 << 10) + 64L * itemBytes);
            assertThat(session.droppedPackets()).isZero();

            long before = producer.requested.get();
            client.resumeReading();
            while (producer.requested.get() < before + 100) {
                RpcResponse r = client.reply(); // reading on makes the session writable and the stream go on
                assertThat(r.callId()).isEqualTo(id);
            }
            // Stop reading first: the JDK client busy reading a flood can be slow to get its own frames out.
            client.pauseReading();
            client.abort(id);
            assertThat(producer.cancelled.await(10, TimeUnit.SECONDS)).isTrue();
        }
    }
}
