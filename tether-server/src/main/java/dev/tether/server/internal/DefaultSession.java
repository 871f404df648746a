package dev.tether.server.internal;

import dev.tether.core.ChannelPattern;
import dev.tether.core.CloseCodes;
import dev.tether.core.Packet;
import dev.tether.core.PacketCodec;
import dev.tether.core.RpcRequest;
import dev.tether.server.ClientType;
import dev.tether.server.CloseStatus;
import dev.tether.server.ReceiveTimeoutException;
import dev.tether.server.Session;
import dev.tether.server.SessionClosedException;
import dev.tether.server.SessionState;
import dev.tether.server.SlowConsumerPolicy;
import dev.tether.server.TetherHandler;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.util.internal.PlatformDependent;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A session on one Netty channel.
 *
 * <p>Outbound: {@link #send} encodes on the caller's thread into a pooled buffer and offers it to a
 * multi-producer queue; one drain task on the event loop writes everything queued and flushes once, so bursts
 * coalesce into few syscalls and packets keep their per-thread order. Bytes in that queue plus bytes in
 * Netty's outbound buffer are the session's queued bytes, bounded by {@code maxQueuedBytes}.
 *
 * <p>Inbound: packets go to the handler through a {@link SerialExecutor} (or straight on the event loop for a
 * {@code @NonBlocking} handler), or to the pull queue. While more than {@code maxInboundQueuedPackets} wait,
 * the channel stops reading, which pushes back on the client through TCP.
 *
 * <p>One road to the end: {@link #terminate} runs once on the event loop, flips the state, releases queued
 * buffers, frees the connection slot and schedules the single {@code onDisconnect}.
 */
final class DefaultSession implements Session {
    private static final Logger log = LoggerFactory.getLogger(DefaultSession.class);
    static final int FRAGMENT_BYTES = 64 * 1024;

    /** Queued behind the last packet of a closed session in pull mode; compared by identity. */
    private static final Packet END_OF_STREAM = Packet.custom("end of stream");

    /** A close the application (or the server) asked for, queued behind the packets sent before it. */
    private record CloseRequest(int code, String reason) {}

    /**
     * A view of bytes other sessions share (a broadcast), never framed in place: a whole {@link PreparedFrame} when
     * {@code framed}, else a packet to put in a frame.
     */
    private record SharedBytes(ByteBuf bytes, boolean framed) {}

    /**
     * A publication for this session, with the slow-consumer policy of the subscription that matched; {@code framed}
     * when {@code bytes} is a whole {@link PreparedFrame} rather than a packet to put in a frame.
     */
    private record ChannelMessage(ByteBuf bytes, boolean framed, String channel, SlowConsumerPolicy policy) {}

    private final UUID id = UUID.randomUUID();
    private final ServerEngine engine;
    private final Channel channel;
    private final EventLoop loop;
    private final ClientType clientType;
    private final PacketCodec codec;
    private final boolean textFrames;
    private volatile boolean mayCompress;
    private volatile boolean handshakeDone;
    private final InetSocketAddress remoteAddress;
    private final Map<String, Object> attributes = new ConcurrentHashMap<>();

    private final Queue<Object> outbound = PlatformDependent.newMpscQueue();
    private final AtomicLong outboundQueueBytes = new AtomicLong();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final LoopDrainer drainer;
    private final LongAdder dropped = new LongAdder();
    private final AtomicBoolean dropLogged = new AtomicBoolean();

    private final Map<String, SlowConsumerPolicy> subscriptions = new ConcurrentHashMap<>();
    /**
     * The policy all of {@link #subscriptions} share, or {@code null} when they differ: a fan-out to thousands of
     * sessions then reads one field of each instead of looking in each one's map. Written under the session's
     * lock, after the map.
     */
    private volatile @Nullable SlowConsumerPolicy uniformPolicy;
    // Channel messages held back while the client is slow; event loop only (heldBytes is read anywhere).
    private final ArrayDeque<ChannelMessage> held = new ArrayDeque<>();
    private final LinkedHashMap<String, ChannelMessage> conflated = new LinkedHashMap<>();
    private volatile long heldBytes;
    private boolean slowLogged;

    private final @Nullable TetherHandler handler;
    private final boolean handlerOnEventLoop;
    private final @Nullable SerialExecutor callbacks;
    private final @Nullable LinkedBlockingQueue<Packet> pulled;
    private final AtomicInteger inboundWaiting = new AtomicInteger();
    private final int maxInboundWaiting;
    private volatile boolean readPaused; // written on the event loop only
    private final AtomicBoolean readingCheck = new AtomicBoolean(); // a resume check is on its way to the loop
    private volatile boolean handlerFailed;
    private final @Nullable SessionCalls rpc;

    private static final AtomicReferenceFieldUpdater<DefaultSession, SessionState> STATE =
            AtomicReferenceFieldUpdater.newUpdater(DefaultSession.class, SessionState.class, "state");
    private volatile SessionState state = SessionState.OPEN;
    private final CompletableFuture<CloseStatus> closed = new CompletableFuture<>();
    // Written on the event loop only.
    private @Nullable CloseStatus closeStatus;
    // Written on the event loop only: packets were written by sendEncoded and wait for the drain's flush.
    private boolean flushPending;
    private @Nullable ScheduledFuture<?> closeTimer;

    DefaultSession(
            ServerEngine engine,
            Channel channel,
            ClientType clientType,
            PacketCodec codec,
            @Nullable TetherHandler handler,
            boolean handlerOnEventLoop,
            Executor workers) {
        this.engine = engine;
        this.channel = channel;
        this.loop = channel.eventLoop();
        this.drainer = engine.drainer(loop);
        this.clientType = clientType;
        this.codec = codec;
        this.textFrames = clientType == ClientType.GENERIC && !engine.config().jsonInBinaryFrames();
        this.remoteAddress = (InetSocketAddress) channel.remoteAddress();
        this.handler = handler;
        this.handlerOnEventLoop = handlerOnEventLoop;
        this.callbacks = handler != null && !handlerOnEventLoop ? new SerialExecutor(workers) : null;
        this.pulled = handler == null ? new LinkedBlockingQueue<>() : null;
        this.maxInboundWaiting = engine.config().maxInboundQueuedPackets();
        this.rpc =
                handler != null && engine.config().dispatchRpc() ? engine.rpc().newCalls(this) : null;
    }

    @Override
    public UUID id() {
        return id;
    }

    @Override
    public ClientType clientType() {
        return clientType;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remoteAddress;
    }

    @Override
    public SessionState state() {
        return state;
    }

    @Override
    public Map<String, Object> attributes() {
        return attributes;
    }

    PacketCodec codec() {
        return codec;
    }

    /** Whether this session's data frames are text frames (JSON clients, unless configured otherwise). */
    boolean textFrames() {
        return textFrames;
    }

    /**
     * Whether whole frames ({@link PreparedFrame}s, or a send framed in place) may be written to this session: its
     * handshake is done, so Netty's HTTP encoder has left the pipeline, and no extension was offered that could
     * transform its frames. Read by any thread.
     */
    boolean takesPreparedFrames() {
        return !mayCompress && handshakeDone;
    }

    /** Records that permessage-deflate was offered and enabled, so it may be in use; before the handshake. */
    void mayCompress(boolean value) {
        this.mayCompress = value;
    }

    Channel channel() {
        return channel;
    }

    // ---- outbound ------------------------------------------------------------------------------------------

    @Override
    public boolean send(@Nullable Object data) {
        if (state != SessionState.OPEN) {
            return false;
        }
        return sendEncoded(encode(codec, Packet.wrap(data), channel.alloc()));
    }

    /**
     * Encodes {@code packet} into a new pooled buffer; the caller owns the buffer. The encoding starts after
     * {@link PreparedFrame#MAX_HEADER_BYTES} free bytes, where a session can later put the frame header in place.
     */
    static ByteBuf encode(PacketCodec codec, Packet packet, ByteBufAllocator alloc) {
        ByteBuf buf = alloc.buffer(256);
        buf.writerIndex(PreparedFrame.MAX_HEADER_BYTES).readerIndex(PreparedFrame.MAX_HEADER_BYTES);
        try {
            codec.encode(packet, new ByteBufOutputStream(buf));
            return buf;
        } catch (RuntimeException e) {
            buf.release();
            throw e;
        }
    }

    /**
     * Queues a packet {@link #encode}d for this session alone, taking ownership of {@code buf} whatever the
     * outcome; its frame header goes in front of it in place.
     *
     * @return whether it was queued
     */
    boolean sendEncoded(ByteBuf buf) {
        if (!admit(buf)) {
            return false;
        }
        if (loop.inEventLoop() && outbound.isEmpty() && closeStatus == null && channel.isActive()) {
            // On the I/O thread with nothing queued ahead of it (a @NonBlocking handler answering): write it now
            // and leave the flush to the drain, which still flushes once for the whole burst.
            writeOwned(buf);
            flushPending = true;
            scheduleDrain();
            return true;
        }
        outboundQueueBytes.addAndGet(buf.readableBytes());
        outbound.add(buf);
        scheduleDrain();
        return true;
    }

    /**
     * Queues a view of bytes other sessions share (a broadcast), taking ownership of the view whatever the
     * outcome; {@code framed} when it is a whole {@link PreparedFrame}.
     *
     * @return whether it was queued
     */
    boolean sendShared(ByteBuf view, boolean framed) {
        if (!admit(view)) {
            return false;
        }
        outboundQueueBytes.addAndGet(view.readableBytes());
        outbound.add(new SharedBytes(view, framed));
        scheduleDrain();
        return true;
    }

    /** Whether {@code buf} may be queued: the session is open and has room; releases it if not. */
    private boolean admit(ByteBuf buf) {
        int size = buf.readableBytes();
        if (state != SessionState.OPEN) {
            buf.release();
            return false;
        }
        if (queuedBytes() + size > engine.config().maxQueuedBytes()) {
            buf.release();
            dropped.increment();
            engine.countRefusedSend();
            if (dropLogged.compareAndSet(false, true)) {
                log.warn(
                        "Session {}: outbound queue full ({} bytes queued, max {}); dropping packets until it drains",
                        id,
                        queuedBytes(),
                        engine.config().maxQueuedBytes());
            }
            return false;
        }
        return true;
    }

    private void scheduleDrain() {
        if (drainScheduled.compareAndSet(false, true)) {
            drainer.schedule(this); // frees the queue instead when the loop has shut down
        }
    }

    /** The server is past shutdown and the loop takes no more tasks: nothing can be written, so free what waits. */
    void loopGone() {
        drainScheduled.set(false); // a later send tries again, and frees its packet the same way
        synchronized (outbound) {
            releaseOutbound();
        }
    }

    /** Writes every queued packet and flushes once. Event loop only; {@link LoopDrainer} calls it. */
    void drain() {
        drainScheduled.set(false);
        boolean wrote = flushPending;
        flushPending = false;
        Object item;
        while ((item = outbound.poll()) != null) {
            if (item instanceof ByteBuf buf) {
                outboundQueueBytes.addAndGet(-buf.readableBytes());
                if (closeStatus != null || !channel.isActive()) {
                    buf.release();
                } else {
                    writeOwned(buf);
                    wrote = true;
                }
            } else if (item instanceof SharedBytes shared) {
                outboundQueueBytes.addAndGet(-shared.bytes().readableBytes());
                if (closeStatus != null || !channel.isActive()) {
                    shared.bytes().release();
                } else if (shared.framed()) {
                    channel.write(shared.bytes(), channel.voidPromise()); // passes Netty's frame encoder untouched
                    wrote = true;
                } else {
                    writeMessage(shared.bytes());
                    wrote = true;
                }
            } else if (item instanceof ChannelMessage message) {
                outboundQueueBytes.addAndGet(-message.bytes().readableBytes());
                if (closeStatus != null || !channel.isActive()) {
                    message.bytes().release();
                } else if (heldBytes == 0 && channel.isWritable()) {
                    write(message);
                    wrote = true;
                } else {
                    hold(message);
                }
            } else if (item instanceof CloseRequest close) {
                if (closeStatus == null) {
                    startClose(close.code(), close.reason());
                }
            }
        }
        if (wrote) {
            channel.flush();
        }
        fireWritable();
        if (dropLogged.get() && queuedBytes() < engine.config().writeBufferLowWaterMarkBytes()) {
            dropLogged.set(false);
        }
    }

    /**
     * Writes a packet encoded for this session alone: as one frame whose header is put in the free bytes in front
     * of it, when no extension may transform the frame and it needs no fragments; else as {@link #writeMessage}
     * does. Takes ownership of {@code buf}.
     */
    private void writeOwned(ByteBuf buf) {
        int length = buf.readableBytes();
        if (!takesPreparedFrames()
                || length > FRAGMENT_BYTES
                || buf.readerIndex() < PreparedFrame.headerBytes(length)) {
            writeMessage(buf);
            return;
        }
        int start = buf.readerIndex() - PreparedFrame.headerBytes(length);
        PreparedFrame.setHeader(buf, start, length, textFrames);
        buf.readerIndex(start);
        channel.write(buf, channel.voidPromise()); // passes Netty's frame encoder untouched
    }

    /** Writes a publication. Takes ownership of its bytes. */
    private void write(ChannelMessage message) {
        if (message.framed()) {
            channel.write(message.bytes(), channel.voidPromise()); // passes Netty's frame encoder untouched
        } else {
            writeMessage(message.bytes());
        }
    }

    /** Writes one message as a single frame, or as 64 KiB fragments when larger. Takes ownership of {@code buf}. */
    private void writeMessage(ByteBuf buf) {
        int length = buf.readableBytes();
        if (length <= FRAGMENT_BYTES) {
            channel.write(firstFrame(true, buf), channel.voidPromise());
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
                WebSocketFrame frame = first ? firstFrame(last, slice) : new ContinuationWebSocketFrame(last, 0, slice);
                channel.write(frame, channel.voidPromise());
                first = false;
                offset += chunk;
            }
        } finally {
            buf.release();
        }
    }

    private WebSocketFrame firstFrame(boolean fin, ByteBuf payload) {
        return textFrames ? new TextWebSocketFrame(fin, 0, payload) : new BinaryWebSocketFrame(fin, 0, payload);
    }

    private void releaseOutbound() {
        Object item;
        while ((item = outbound.poll()) != null) {
            ByteBuf bytes = bytesOf(item);
            if (bytes != null) {
                outboundQueueBytes.addAndGet(-bytes.readableBytes());
                bytes.release();
            }
        }
    }

    /** The buffer an outbound queue item holds, or {@code null} for a close request. */
    private static @Nullable ByteBuf bytesOf(Object item) {
        if (item instanceof ByteBuf buf) {
            return buf;
        }
        if (item instanceof SharedBytes shared) {
            return shared.bytes();
        }
        if (item instanceof ChannelMessage message) {
            return message.bytes();
        }
        return null;
    }

    /** Releases every held channel message. Event loop only. */
    private void releaseHeld() {
        for (ChannelMessage message : held) {
            message.bytes().release();
        }
        held.clear();
        for (ChannelMessage message : conflated.values()) {
            message.bytes().release();
        }
        conflated.clear();
        heldBytes = 0;
    }

    @Override
    public long queuedBytes() {
        ChannelOutboundBuffer buffer = channel.unsafe().outboundBuffer();
        return outboundQueueBytes.get() + heldBytes + (buffer == null ? 0 : buffer.totalPendingWriteBytes());
    }

    @Override
    public boolean isWritable() {
        return channel.isWritable()
                && outboundQueueBytes.get() < engine.config().writeBufferHighWaterMarkBytes();
    }

    /**
     * Lets the session's streams ask for more items if it is writable: run when Netty's buffer went below its low
     * water mark or the session's own queue drained (it may run when nothing changed). Event loop only.
     */
    void fireWritable() {
        SessionCalls calls = rpc;
        if (calls != null && isWritable()) {
            calls.writable();
        }
    }

    @Override
    public long droppedPackets() {
        return dropped.sum();
    }

    // ---- channels ------------------------------------------------------------------------------------------

    @Override
    public boolean subscribe(String... names) {
        return subscribe(Arrays.asList(names), engine.config().slowConsumerPolicy());
    }

    @Override
    public synchronized boolean subscribe(Collection<String> names, SlowConsumerPolicy policy) {
        Map<String, ChannelPattern> added = new LinkedHashMap<>();
        for (String name : names) {
            ChannelPattern pattern = ChannelPattern.compile(name); // refuses a malformed pattern
            if (!subscriptions.containsKey(name)) {
                added.put(name, pattern);
            }
        }
        int limit = engine.config().maxSubscribedChannels();
        if (state != SessionState.OPEN || (limit > 0 && subscriptions.size() + added.size() > limit)) {
            return false;
        }
        for (Map.Entry<String, ChannelPattern> entry : added.entrySet()) {
            subscriptions.put(entry.getKey(), policy);
            engine.subscribed(entry.getKey(), entry.getValue(), this);
        }
        for (String name : names) {
            subscriptions.put(name, policy); // a repeated subscribe updates the policy
        }
        updateUniformPolicy();
        return true;
    }

    @Override
    public synchronized boolean unsubscribe(String... names) {
        boolean any = false;
        for (String name : names) {
            if (subscriptions.remove(name) != null) {
                engine.unsubscribed(name, this);
                any = true;
            }
        }
        updateUniformPolicy();
        return any;
    }

    @Override
    public Set<String> subscriptions() {
        return Set.copyOf(subscriptions.keySet());
    }

    /** Ends every subscription; the session is closed. */
    private synchronized void dropSubscriptions() {
        for (String name : subscriptions.keySet()) {
            engine.unsubscribed(name, this);
        }
        subscriptions.clear();
        updateUniformPolicy();
    }

    /** Recomputes {@link #uniformPolicy}; under the session's lock. */
    private void updateUniformPolicy() {
        SlowConsumerPolicy common = engine.config().slowConsumerPolicy();
        boolean first = true;
        for (SlowConsumerPolicy policy : subscriptions.values()) {
            if (first) {
                common = policy;
                first = false;
            } else if (policy != common) {
                uniformPolicy = null;
                return;
            }
        }
        uniformPolicy = common;
    }

    /** The policy of the subscription {@code name}, or the server default if it just ended. */
    SlowConsumerPolicy policyOf(String subscription) {
        SlowConsumerPolicy uniform = uniformPolicy;
        if (uniform != null) {
            return uniform;
        }
        return subscriptions.getOrDefault(subscription, engine.config().slowConsumerPolicy());
    }

    /**
     * Queues a publication, taking ownership of {@code bytes}. When the session's queued bytes would pass
     * {@code maxQueuedBytes} before the I/O thread can apply the policy (it is behind), the new message is dropped,
     * or the session closed for {@code DISCONNECT}. For {@code DROP_OLDEST} and {@code CONFLATE} the held messages
     * do not count here, since the I/O thread evicts them for newer ones.
     *
     * @return whether it was queued
     */
    boolean deliver(ByteBuf bytes, boolean framed, String channel, SlowConsumerPolicy policy) {
        if (state != SessionState.OPEN) {
            bytes.release();
            return false;
        }
        int size = bytes.readableBytes();
        // Held messages of DROP_OLDEST and CONFLATE subscriptions make room for new ones on the I/O thread, so
        // for those policies only what cannot be evicted counts here.
        boolean evicting = policy == SlowConsumerPolicy.DROP_OLDEST || policy == SlowConsumerPolicy.CONFLATE;
        long queued = evicting ? queuedBytes() - heldBytes : queuedBytes();
        if (queued + size > engine.config().maxQueuedBytes()) {
            bytes.release();
            if (policy == SlowConsumerPolicy.DISCONNECT) {
                slowConsumer("its hand-over queue is full", SlowConsumerPolicy.DISCONNECT);
                close(CloseCodes.POLICY_VIOLATION, "slow consumer");
            } else {
                slowConsumer("its hand-over queue is full", SlowConsumerPolicy.DROP_NEWEST);
            }
            return false;
        }
        outboundQueueBytes.addAndGet(size);
        outbound.add(new ChannelMessage(bytes, framed, channel, policy));
        scheduleDrain();
        return true;
    }

    /** The client is slow: apply the subscription's policy to {@code message}. Event loop only. */
    private void hold(ChannelMessage message) {
        // What may be held: the hard bound less what already waits in Netty's buffer and the hand-over queue
        // (Netty's buffer can pass the high water mark by up to one message before it reports unwritable).
        ChannelOutboundBuffer buffer = channel.unsafe().outboundBuffer();
        long budget = engine.config().maxQueuedBytes()
                - outboundQueueBytes.get()
                - (buffer == null ? 0 : buffer.totalPendingWriteBytes());
        int size = message.bytes().readableBytes();
        switch (message.policy()) {
            case DISCONNECT -> {
                message.bytes().release();
                slowConsumer("it fell behind", SlowConsumerPolicy.DISCONNECT);
                releaseHeld();
                startClose(CloseCodes.POLICY_VIOLATION, "slow consumer");
            }
            case DROP_NEWEST -> {
                message.bytes().release();
                slowConsumer("it fell behind", SlowConsumerPolicy.DROP_NEWEST);
            }
            case DROP_OLDEST -> {
                held.addLast(message);
                heldBytes += size;
                trimHeld(budget);
            }
            case CONFLATE -> {
                ChannelMessage previous = conflated.remove(message.channel());
                if (previous != null) {
                    heldBytes -= previous.bytes().readableBytes();
                    previous.bytes().release();
                    slowConsumer("it fell behind", SlowConsumerPolicy.CONFLATE);
                }
                conflated.put(message.channel(), message); // re-inserted last: the map keeps arrival order
                heldBytes += size;
                trimHeld(budget);
            }
        }
    }

    /** Drops the oldest held messages until they fit in {@code budget} bytes. Event loop only. */
    private void trimHeld(long budget) {
        while (heldBytes > budget && !held.isEmpty()) {
            ChannelMessage oldest = held.removeFirst();
            heldBytes -= oldest.bytes().readableBytes();
            oldest.bytes().release();
            slowConsumer("it fell behind", SlowConsumerPolicy.DROP_OLDEST);
        }
        Iterator<ChannelMessage> latest = conflated.values().iterator();
        while (heldBytes > budget && latest.hasNext()) {
            ChannelMessage oldest = latest.next();
            latest.remove();
            heldBytes -= oldest.bytes().readableBytes();
            oldest.bytes().release();
            slowConsumer("it fell behind", SlowConsumerPolicy.DROP_OLDEST);
        }
    }

    /** Counts one slow-consumer action and logs the first per session. */
    private void slowConsumer(String why, SlowConsumerPolicy action) {
        engine.countSlowConsumer(action);
        if (!slowLogged) {
            slowLogged = true;
            log.warn("Session {} is a slow consumer ({}); applying {} (logged once per session)", id, why, action);
        }
    }

    /** The channel's writability changed: write held messages while the client keeps up. Event loop only. */
    void writabilityChanged() {
        if (channel.isWritable() && heldBytes > 0 && closeStatus == null) {
            writeHeld();
        }
        fireWritable();
    }

    /** Writes held channel messages, in order, while the client keeps up. Event loop only. */
    private void writeHeld() {
        boolean wrote = false;
        while (channel.isWritable() && !held.isEmpty()) {
            ChannelMessage message = held.removeFirst();
            heldBytes -= message.bytes().readableBytes();
            write(message);
            wrote = true;
        }
        Iterator<ChannelMessage> latest = conflated.values().iterator();
        while (channel.isWritable() && held.isEmpty() && latest.hasNext()) {
            ChannelMessage message = latest.next();
            latest.remove();
            heldBytes -= message.bytes().readableBytes();
            write(message);
            wrote = true;
        }
        if (wrote) {
            channel.flush();
        }
    }

    // ---- closing -------------------------------------------------------------------------------------------

    @Override
    public void close(int code, String reason) {
        if (STATE.compareAndSet(this, SessionState.OPEN, SessionState.CLOSING)) {
            outbound.add(new CloseRequest(code, reason));
            scheduleDrain();
        }
    }

    /** Sends our close frame and waits a bounded time for the client's. Event loop only. */
    void startClose(int code, String reason) {
        if (closeStatus != null) {
            return;
        }
        STATE.compareAndSet(this, SessionState.OPEN, SessionState.CLOSING);
        closeStatus = new CloseStatus(code, reason, false);
        if (!channel.isActive()) {
            return;
        }
        channel.writeAndFlush(new CloseWebSocketFrame(code, truncateReason(reason)));
        dropAfterCloseTimeout("no close frame from the client");
    }

    /** The client sent a close frame: echo it, then close once it is written (bounded by the close timeout). */
    void peerClosed(int code, String reason, CloseWebSocketFrame reply) {
        if (closeStatus == null) {
            STATE.compareAndSet(this, SessionState.OPEN, SessionState.CLOSING);
            closeStatus = new CloseStatus(code, reason, true);
            channel.writeAndFlush(reply).addListener(f -> channel.close());
            // A client that stopped reading never lets the reply out; it must not hold the connection for ever.
            dropAfterCloseTimeout("the close reply could not be written");
        } else {
            ReferenceCountUtil.release(reply);
            channel.close();
        }
    }

    /**
     * The client broke the protocol: fail the connection (RFC 6455 7.1.7). The close frame goes out, then our
     * side of the TCP connection is shut, and the rest of what the client sends is read and discarded until it
     * closes or the close timeout passes: closing at once while the client's bytes still arrive would make the
     * kernel answer with a reset, which can destroy the close frame before the client reads it.
     */
    void failConnection(int code, String reason) {
        if (closeStatus != null) {
            channel.close();
            return;
        }
        STATE.compareAndSet(this, SessionState.OPEN, SessionState.CLOSING);
        closeStatus = new CloseStatus(code, reason, false);
        if (!channel.isActive()) {
            return;
        }
        channel.writeAndFlush(new CloseWebSocketFrame(code, truncateReason(reason)))
                .addListener(written -> {
                    if (channel instanceof DuplexChannel duplex && written.isSuccess()) {
                        duplex.shutdownOutput();
                    } else {
                        channel.close();
                    }
                });
        dropAfterCloseTimeout("the client did not close after a protocol violation");
    }

    private void dropAfterCloseTimeout(String why) {
        if (closeTimer != null) {
            return;
        }
        closeTimer = loop.schedule(
                () -> {
                    log.debug(
                            "Session {}: {} within {}; dropping the connection",
                            id,
                            why,
                            engine.config().closeTimeout());
                    channel.close();
                },
                engine.config().closeTimeout().toNanos(),
                TimeUnit.NANOSECONDS);
    }

    /** A close reason fits in 123 bytes of UTF-8 (RFC 6455 5.5); a longer one is cut at a character boundary. */
    static String truncateReason(String reason) {
        if (reason.length() <= 41) { // 41 chars take at most 123 bytes
            return reason;
        }
        int bytes = 0;
        for (int i = 0; i < reason.length(); ) {
            int cp = reason.codePointAt(i);
            int size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            if (bytes + size > 123) {
                return reason.substring(0, i);
            }
            bytes += size;
            i += Character.charCount(cp);
        }
        return reason;
    }

    /** Whether our side has sent or received a close frame. Event loop only. */
    boolean closing() {
        return closeStatus != null;
    }

    /** The channel closed: the single terminal transition. Event loop only. */
    void terminate() {
        if (state == SessionState.CLOSED) {
            return;
        }
        state = SessionState.CLOSED;
        if (closeTimer != null) {
            closeTimer.cancel(false);
        }
        CloseStatus status = closeStatus != null ? closeStatus : new CloseStatus(CloseStatus.ABNORMAL, "", true);
        releaseOutbound();
        releaseHeld();
        dropSubscriptions();
        engine.unregister(this);
        if (rpc != null) {
            rpc.close();
        }
        log.debug("Session {} closed: {}", id, status);
        if (handler != null) {
            runCallback(() -> handler.onDisconnect(this, status), true);
        } else if (pulled != null) {
            pulled.add(END_OF_STREAM);
        }
        // Completes after onDisconnect is queued, so a waiter sees the session gone from the server.
        if (callbacks != null) {
            callbacks.execute(() -> closed.complete(status));
        } else {
            closed.complete(status);
        }
    }

    @Override
    public CompletionStage<CloseStatus> closeFuture() {
        return closed.minimalCompletionStage();
    }

    // ---- inbound -------------------------------------------------------------------------------------------

    /** The handshake completed and the session is registered. Event loop only. */
    void opened() {
        handshakeDone = true; // Netty's HTTP encoder is gone from the pipeline: raw frames may pass from now on
        if (handler != null) {
            runCallback(() -> handler.onConnect(this), false);
        }
    }

    /** A packet arrived. Event loop only. */
    void received(Packet packet) {
        if (pulled != null) {
            pulled.add(packet);
            waiting(1);
            return;
        }
        TetherHandler h = handler;
        if (h == null) {
            return;
        }
        if (handlerOnEventLoop) {
            runCallback(() -> deliver(h, packet), false);
            return;
        }
        waiting(1);
        runCallback(
                () -> {
                    try {
                        if (!handlerFailed) {
                            deliver(h, packet);
                        }
                    } finally {
                        waiting(-1);
                    }
                },
                false);
    }

    /** RPC requests go to the dispatcher, every other packet to the handler. */
    private void deliver(TetherHandler h, Packet packet) {
        RpcRequest request = packet.request();
        if (request != null && rpc != null) {
            rpc.received(request);
        } else {
            h.onPacket(this, packet);
        }
    }

    /** Counts packets waiting for the application and pauses or resumes reading around the limit. */
    private void waiting(int delta) {
        int now = inboundWaiting.addAndGet(delta);
        if (delta > 0) {
            if (now > maxInboundWaiting && !readPaused) {
                updateReading(); // packets arrive on the I/O thread
            }
        } else if (readPaused && now <= maxInboundWaiting / 2 && readingCheck.compareAndSet(false, true)) {
            loop.execute(() -> {
                readingCheck.set(false);
                updateReading();
            });
        }
    }

    /**
     * Pauses or resumes reading from the count of waiting packets as it is now. Event loop only: the flag and the
     * channel's auto-read change together here, so a consumer's resume can never be overtaken by an older pause
     * (which, with both decided on different threads, could leave reading paused and nothing waiting to resume it).
     */
    private void updateReading() {
        int now = inboundWaiting.get();
        if (!readPaused && now > maxInboundWaiting) {
            readPaused = true;
            channel.config().setAutoRead(false);
        } else if (readPaused && now <= maxInboundWaiting / 2) {
            readPaused = false;
            channel.config().setAutoRead(true);
            channel.read();
        }
    }

    /** Runs a handler callback where the handler wants it; a throwing callback closes the session with 1011. */
    private void runCallback(Runnable callback, boolean terminal) {
        Runnable guarded = () -> {
            try {
                callback.run();
            } catch (RuntimeException | Error e) {
                log.error("Session {}: handler threw; closing the session with 1011", id, e);
                if (!terminal) {
                    handlerFailed = true;
                    close(CloseCodes.INTERNAL_ERROR, "Internal server error");
                }
            }
        };
        if (callbacks != null) {
            callbacks.execute(guarded);
        } else {
            guarded.run();
        }
    }

    @Override
    @SuppressWarnings("ReferenceEquality") // END_OF_STREAM is a marker instance
    public Packet recv(Duration timeout) throws InterruptedException {
        LinkedBlockingQueue<Packet> queue = pulled;
        if (queue == null) {
            throw new IllegalStateException("recv: the server has a handler (expected: a server built without one)");
        }
        Packet packet = queue.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        if (packet == null) {
            throw new ReceiveTimeoutException(
                    "Receive operation timed out after " + timeout.toMillis() / 1000.0 + " seconds.");
        }
        if (packet == END_OF_STREAM) {
            queue.add(END_OF_STREAM); // for the next caller
            throw new SessionClosedException("Cannot receive data: session " + id + " is closed.");
        }
        waiting(-1);
        return packet;
    }

    @Override
    public String toString() {
        return "Session{" + id + ", " + clientType + ", " + remoteAddress + ", " + state + "}";
    }
}
