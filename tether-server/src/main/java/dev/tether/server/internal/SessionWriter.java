package dev.tether.server.internal;

import dev.tether.core.CloseCodes;
import dev.tether.server.OverflowPolicy;
import dev.tether.server.SlowConsumerPolicy;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.internal.PlatformDependent;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outbound side of one connection: everything sent to it, from any thread, until it is on the socket.
 *
 * <p>A send is encoded on the caller's thread into a pooled buffer and offered to a multi-producer queue; one drain
 * on the event loop ({@link LoopDrainer}) writes everything queued and flushes once, so bursts coalesce into few
 * syscalls and messages keep their per-thread order. A close request is queued like a message, so what was sent
 * before it goes out first. Bytes in that queue, held publications and Netty's outbound buffer together are the
 * connection's queued bytes, bounded by {@code maxQueuedBytes}: the bound limits what waits, not one message, so a
 * message is always taken when nothing waits. What does not fit is the endpoint's {@link OverflowPolicy}.
 *
 * <p>Publications carry their subscription's {@link SlowConsumerPolicy}: while the client is slow they go to the
 * connection's {@link SlowConsumerBuffer} instead of the socket.
 */
final class SessionWriter {
    private static final Logger log = LoggerFactory.getLogger(SessionWriter.class);

    /** Messages larger than this go out as fragments of this size, sliced from the encoded buffer. */
    static final int FRAGMENT_BYTES = 64 * 1024;

    /** A message owned by this connection in the other frame type than its default. */
    private record Typed(ByteBuf bytes, boolean text) {}

    /**
     * A view of bytes other connections share (a broadcast), never framed in place: a whole {@link PreparedFrame}
     * when {@code framed}, else a payload to put in a frame of the default type.
     */
    private record SharedBytes(ByteBuf bytes, boolean framed) {}

    /** A close the application (or the server) asked for, queued behind what was sent before it. */
    private record CloseRequest(int code, String reason) {}

    private final WsConnection connection;
    private final Channel channel;
    private final ConnectionSettings settings;
    private final boolean textByDefault;
    private final ServerCounters counters;
    private final LoopDrainer drainer;
    private final boolean mayCompress;
    private final boolean sharesCompressedFrames;
    private volatile boolean handshakeDone;

    private final Queue<Object> outbound = PlatformDependent.newMpscQueue();
    private final AtomicLong outboundQueueBytes = new AtomicLong();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final LongAdder dropped = new LongAdder();
    private final AtomicBoolean dropLogged = new AtomicBoolean();
    // Event loop only: messages were written at once by a send on the loop and wait for the drain's flush.
    private boolean flushPending;
    // Made when the client is first slow; event loop only (its byte count is read anywhere).
    private @Nullable SlowConsumerBuffer slow;

    SessionWriter(
            WsConnection connection,
            ConnectionSettings settings,
            boolean textByDefault,
            boolean mayCompress,
            boolean sharesCompressedFrames,
            ServerCounters counters,
            LoopDrainer drainer) {
        this.connection = connection;
        this.channel = connection.channel();
        this.settings = settings;
        this.textByDefault = textByDefault;
        this.mayCompress = mayCompress;
        this.sharesCompressedFrames = sharesCompressedFrames;
        this.counters = counters;
        this.drainer = drainer;
    }

    /** Whether messages queued as bare buffers go out as text frames. */
    boolean textByDefault() {
        return textByDefault;
    }

    /**
     * Whether whole frames ({@link PreparedFrame}s, or a send framed in place) may be written: the handshake is done,
     * so Netty's HTTP encoder has left the pipeline, and no extension was offered that could transform frames. Read
     * by any thread.
     */
    boolean takesPreparedFrames() {
        return !mayCompress && handshakeDone;
    }

    /**
     * Whether whole frames made once for many permessage-deflate sessions may be written, compressed (RSV1) or not:
     * the handshake is done and agreed a compressor that keeps no context, with the JDK's 15-bit window, so a frame
     * compressed on its own is what this session's own compressor could have sent. Read by any thread.
     */
    boolean takesSharedCompressedFrames() {
        return sharesCompressedFrames && handshakeDone;
    }

    /** The 101 is written; raw frames may pass from now on. Event loop. */
    void handshakeDone() {
        handshakeDone = true;
    }

    // ---- sending, from any thread ---------------------------------------------------------------------------

    /**
     * Queues a message encoded for this connection alone in its default frame type, taking ownership of {@code buf}
     * whatever the outcome. The frame header goes in place in front of it when {@code buf} left room
     * ({@link PreparedFrame#MAX_HEADER_BYTES}).
     *
     * @return whether it was queued
     */
    boolean sendOwned(ByteBuf buf) {
        return sendOwned(buf, textByDefault);
    }

    /** Queues a message owned by this connection as a text or binary frame; see {@link #sendOwned(ByteBuf)}. */
    boolean sendOwned(ByteBuf buf, boolean text) {
        if (!admit(buf)) {
            return false;
        }
        if (channel.eventLoop().inEventLoop() && outbound.isEmpty() && !connection.closing() && channel.isActive()) {
            // On the I/O thread with nothing queued ahead of it (a listener answering): write it now and leave the
            // flush to the drain, which still flushes once for the whole burst.
            writeOwned(buf, text);
            flushPending = true;
            scheduleDrain();
            return true;
        }
        enqueue(text == textByDefault ? buf : new Typed(buf, text), buf.readableBytes());
        return true;
    }

    /**
     * Queues a view of bytes other connections share (a broadcast), taking ownership of the view whatever the
     * outcome; {@code framed} when it is a whole {@link PreparedFrame}.
     *
     * @return whether it was queued
     */
    boolean sendShared(ByteBuf view, boolean framed) {
        if (!admit(view)) {
            return false;
        }
        enqueue(new SharedBytes(view, framed), view.readableBytes());
        return true;
    }

    /**
     * Queues a publication, taking ownership of {@code bytes}. When the connection's queued bytes would pass
     * {@code maxQueuedBytes} before the I/O thread can apply the policy (it is behind), the new message is dropped,
     * or the connection closed for {@code DISCONNECT}. For {@code DROP_OLDEST} and {@code CONFLATE} the held
     * messages do not count here, since the I/O thread evicts them for newer ones.
     *
     * @return whether it was queued
     */
    boolean deliver(ByteBuf bytes, boolean framed, String channelName, SlowConsumerPolicy policy) {
        if (!connection.isOpen()) {
            bytes.release();
            return false;
        }
        int size = bytes.readableBytes();
        boolean evicting = policy == SlowConsumerPolicy.DROP_OLDEST || policy == SlowConsumerPolicy.CONFLATE;
        long queued = evicting ? queuedBytes() - heldBytes() : queuedBytes();
        if (queued > 0 && queued + size > settings.maxQueuedBytes()) {
            bytes.release();
            if (policy == SlowConsumerPolicy.DISCONNECT) {
                counters.slowConsumer(SlowConsumerPolicy.DISCONNECT);
                SlowConsumerBuffer.logSlow(connection, "its hand-over queue is full", policy);
                connection.close(CloseCodes.POLICY_VIOLATION, "slow consumer");
            } else {
                counters.slowConsumer(SlowConsumerPolicy.DROP_NEWEST);
                SlowConsumerBuffer.logSlow(connection, "its hand-over queue is full", SlowConsumerPolicy.DROP_NEWEST);
            }
            return false;
        }
        enqueue(new SlowConsumerBuffer.Publication(bytes, framed, channelName, policy), size);
        return true;
    }

    /** Queues the start of the closing handshake behind everything sent before. */
    void close(int code, String reason) {
        outbound.add(new CloseRequest(code, reason));
        scheduleDrain();
    }

    private void enqueue(Object item, int size) {
        outboundQueueBytes.addAndGet(size);
        outbound.add(item);
        scheduleDrain();
    }

    /**
     * Whether {@code buf} may be queued: the connection is open and the bound leaves room, or nothing waits at all.
     * Releases it if not, and applies the overflow policy.
     */
    private boolean admit(ByteBuf buf) {
        int size = buf.readableBytes();
        if (!connection.isOpen()) {
            buf.release();
            return false;
        }
        long queued = queuedBytes();
        if (queued == 0 || queued + size <= settings.maxQueuedBytes()) {
            return true;
        }
        buf.release();
        dropped.increment();
        counters.refusedSend();
        if (dropLogged.compareAndSet(false, true)) {
            log.warn(
                    "Session {}: outbound queue full ({} bytes queued, {} more refused, max {}); {}",
                    connection.id(),
                    queued,
                    size,
                    settings.maxQueuedBytes(),
                    settings.overflowPolicy() == OverflowPolicy.CLOSE
                            ? "closing it with 1008"
                            : "refusing messages until it drains");
        }
        if (settings.overflowPolicy() == OverflowPolicy.CLOSE) {
            connection.closeNow(CloseCodes.POLICY_VIOLATION, "outbound queue full");
        }
        return false;
    }

    private void scheduleDrain() {
        if (drainScheduled.compareAndSet(false, true)) {
            drainer.schedule(this); // frees the queue instead when the loop has shut down
        }
    }

    // ---- writing, on the event loop ------------------------------------------------------------------------

    /** The connection's id, for {@link LoopDrainer}'s log line. */
    Object id() {
        return connection.id();
    }

    /** The server is past shutdown and the loop takes no more tasks: nothing can be written, so free what waits. */
    void loopGone() {
        drainScheduled.set(false); // a later send tries again, and frees its message the same way
        synchronized (outbound) {
            releaseQueued();
        }
    }

    /** Writes every queued message and flushes once. Event loop only; {@link LoopDrainer} calls it. */
    void drain() {
        drainScheduled.set(false);
        boolean wrote = flushPending;
        flushPending = false;
        Object item;
        while ((item = outbound.poll()) != null) {
            if (item instanceof CloseRequest close) {
                connection.startClose(close.code(), close.reason());
                continue;
            }
            ByteBuf bytes = bytesOf(item);
            outboundQueueBytes.addAndGet(-bytes.readableBytes());
            if (connection.closing() || !channel.isActive()) {
                bytes.release();
            } else if (item instanceof ByteBuf buf) {
                writeOwned(buf, textByDefault);
                wrote = true;
            } else if (item instanceof Typed typed) {
                writeOwned(typed.bytes(), typed.text());
                wrote = true;
            } else if (item instanceof SharedBytes shared) {
                write(shared.bytes(), shared.framed());
                wrote = true;
            } else if (item instanceof SlowConsumerBuffer.Publication publication) {
                SlowConsumerBuffer buffer = slow;
                if ((buffer == null || buffer.isEmpty()) && channel.isWritable()) {
                    write(publication.bytes(), publication.framed());
                    wrote = true;
                } else {
                    slowBuffer().hold(publication, holdBudget());
                }
            }
        }
        if (wrote) {
            channel.flush();
        }
        connection.fireWritable();
        if (dropLogged.get() && queuedBytes() < settings.lowWaterMarkBytes()) {
            dropLogged.set(false);
        }
    }

    /** What may be held: the hard bound less what already waits in the hand-over queue and Netty's buffer. */
    private long holdBudget() {
        ChannelOutboundBuffer buffer = channel.unsafe().outboundBuffer();
        return settings.maxQueuedBytes()
                - outboundQueueBytes.get()
                - (buffer == null ? 0 : buffer.totalPendingWriteBytes());
    }

    private SlowConsumerBuffer slowBuffer() {
        SlowConsumerBuffer buffer = slow;
        if (buffer == null) {
            buffer = new SlowConsumerBuffer(connection, counters);
            slow = buffer;
        }
        return buffer;
    }

    /** The channel's writability changed: write held publications while the client keeps up. Event loop only. */
    void writabilityChanged() {
        SlowConsumerBuffer buffer = slow;
        if (buffer != null && !buffer.isEmpty() && !connection.closing()) {
            boolean wrote = false;
            SlowConsumerBuffer.Publication next;
            while (channel.isWritable() && (next = buffer.next()) != null) {
                write(next.bytes(), next.framed());
                wrote = true;
            }
            if (wrote) {
                channel.flush();
            }
        }
        connection.fireWritable();
    }

    /**
     * Writes a message encoded for this connection alone: as one frame whose header is put in the free bytes in
     * front of it, when no extension may transform the frame and it needs no fragments; else as
     * {@link #writeMessage} does. Takes ownership of {@code buf}.
     */
    private void writeOwned(ByteBuf buf, boolean text) {
        int length = buf.readableBytes();
        ServerMeters.ProtocolMeters meters = connection.meters();
        if (meters != null) {
            meters.sent(length);
        }
        if (!takesPreparedFrames()
                || length > FRAGMENT_BYTES
                || buf.readerIndex() < PreparedFrame.headerBytes(length)) {
            writeMessage(buf, text);
            return;
        }
        int start = buf.readerIndex() - PreparedFrame.headerBytes(length);
        PreparedFrame.setHeader(buf, start, length, text);
        buf.readerIndex(start);
        channel.write(buf, channel.voidPromise()); // passes Netty's frame encoder untouched
    }

    /** Writes shared bytes: a whole frame as it is, or a payload in frames of the default type. */
    private void write(ByteBuf bytes, boolean framed) {
        ServerMeters.ProtocolMeters meters = connection.meters();
        if (meters != null) {
            meters.sent(framed ? PreparedFrame.payloadBytes(bytes.readableBytes()) : bytes.readableBytes());
        }
        if (framed) {
            channel.write(bytes, channel.voidPromise()); // passes Netty's frame encoder untouched
        } else {
            writeMessage(bytes, textByDefault);
        }
    }

    /** Writes one message as a single frame, or as 64 KiB fragments when larger. Takes ownership of {@code buf}. */
    private void writeMessage(ByteBuf buf, boolean text) {
        int length = buf.readableBytes();
        if (length <= FRAGMENT_BYTES) {
            channel.write(firstFrame(text, true, buf), channel.voidPromise());
            return;
        }
        try {
            int offset = buf.readerIndex();
            int end = offset + length;
            boolean first = true;
            while (offset < end) {
                int chunk = Math.min(FRAGMENT_BYTES, end - offset);
                boolean last = offset + chunk == end;
                ByteBuf slice = buf.retainedSlice(offset, chunk);
                WebSocketFrame frame =
                        first ? firstFrame(text, last, slice) : new ContinuationWebSocketFrame(last, 0, slice);
                channel.write(frame, channel.voidPromise());
                first = false;
                offset += chunk;
            }
        } finally {
            buf.release();
        }
    }

    private static WebSocketFrame firstFrame(boolean text, boolean fin, ByteBuf payload) {
        return text ? new TextWebSocketFrame(fin, 0, payload) : new BinaryWebSocketFrame(fin, 0, payload);
    }

    /** Frees everything waiting: the hand-over queue and held publications. Event loop (or the loop is gone). */
    void releaseQueued() {
        Object item;
        while ((item = outbound.poll()) != null) {
            if (!(item instanceof CloseRequest)) {
                ByteBuf bytes = bytesOf(item);
                outboundQueueBytes.addAndGet(-bytes.readableBytes());
                bytes.release();
            }
        }
        SlowConsumerBuffer buffer = slow;
        if (buffer != null) {
            buffer.release();
        }
    }

    /** The buffer a queued item holds; not for a close request. */
    private static ByteBuf bytesOf(Object item) {
        if (item instanceof ByteBuf buf) {
            return buf;
        }
        if (item instanceof Typed typed) {
            return typed.bytes();
        }
        if (item instanceof SharedBytes shared) {
            return shared.bytes();
        }
        return ((SlowConsumerBuffer.Publication) item).bytes();
    }

    private long heldBytes() {
        SlowConsumerBuffer buffer = slow;
        return buffer == null ? 0 : buffer.heldBytes();
    }

    /** Bytes queued here, held, and in Netty's outbound buffer. */
    long queuedBytes() {
        ChannelOutboundBuffer buffer = channel.unsafe().outboundBuffer();
        return outboundQueueBytes.get() + heldBytes() + (buffer == null ? 0 : buffer.totalPendingWriteBytes());
    }

    /** Whether Netty's buffer and the hand-over queue are below the high water mark. */
    boolean isWritable() {
        return channel.isWritable() && outboundQueueBytes.get() < settings.highWaterMarkBytes();
    }

    /** Messages refused because the queue was full. */
    long dropped() {
        return dropped.sum();
    }
}
