package dev.tether.server.internal;

import dev.tether.core.Cancellable;
import dev.tether.core.Clock;
import dev.tether.core.CloseCodes;
import dev.tether.server.CloseStatus;
import dev.tether.server.HttpRequest;
import dev.tether.server.Identity;
import dev.tether.server.InboundRateAction;
import dev.tether.server.SessionState;
import dev.tether.server.WebSocketSession;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One upgraded WebSocket connection, whatever protocol it carries: its state, its closing handshake and its one road
 * to the end. Its {@link SessionWriter} sends, its {@link FrameHandler} receives, and its {@link ConnectionHandler}
 * (the protocol) gets what arrived. To a raw endpoint's listener it is the {@link WebSocketSession}.
 *
 * <p>One road to the end: {@link #terminate} runs once on the event loop when the channel closes; it flips the
 * state, cancels the close timer, frees what waits, gives back the connection slot and tells the handler.
 */
final class WsConnection implements WebSocketSession {
    private static final Logger log = LoggerFactory.getLogger(WsConnection.class);

    private static final AtomicReferenceFieldUpdater<WsConnection, SessionState> STATE =
            AtomicReferenceFieldUpdater.newUpdater(WsConnection.class, SessionState.class, "state");

    private final UUID id = UUID.randomUUID();
    private final Channel channel;
    private final EventLoop loop;
    private final ConnectionSettings settings;
    private final HttpRequest request;
    private final Identity identity;
    private final @Nullable String subprotocol;
    private final Clock clock;
    private final SessionRegistry registry;
    private final Map<String, Object> attributes = new ConcurrentHashMap<>();
    private final SessionWriter writer;
    private final ServerCounters counters;
    private final @Nullable InboundRate inboundRate;
    private static final AtomicIntegerFieldUpdater<WsConnection> SLOW_LOGGED =
            AtomicIntegerFieldUpdater.newUpdater(WsConnection.class, "slowLogged");
    private volatile int slowLogged; // 1 once a slow-consumer line was logged; a field, not an object per connection
    private final CompletableFuture<CloseStatus> closed = new CompletableFuture<>();
    private volatile SessionState state = SessionState.OPEN;
    private @Nullable ConnectionHandler handler; // set once, before the handshake
    private ServerMeters.@Nullable ProtocolMeters meters; // set once, before the handshake; null without a registry
    private boolean counted; // event loop: opened() counted this connection, so terminate() counts its close
    private @Nullable LoopExecutor executor; // a racing first use makes two equal views, which is harmless
    // Event loop only.
    private int readPauses; // the reasons reading is paused now: READ_PAUSED_BY_*
    private @Nullable Cancellable throttleTimer;
    private @Nullable CloseStatus closeStatus;
    private @Nullable Cancellable closeTimer;

    WsConnection(
            Channel channel,
            ConnectionSettings settings,
            HttpRequest request,
            Identity identity,
            @Nullable String subprotocol,
            boolean textByDefault,
            boolean mayCompress,
            boolean sharesCompressedFrames,
            Clock clock,
            SessionRegistry registry,
            ServerCounters counters,
            LoopDrainer drainer) {
        this.channel = channel;
        this.loop = channel.eventLoop();
        this.settings = settings;
        this.request = request;
        this.identity = identity;
        this.subprotocol = subprotocol;
        this.clock = clock;
        this.registry = registry;
        this.writer = new SessionWriter(
                this, settings, textByDefault, mayCompress, sharesCompressedFrames, counters, drainer);
        this.counters = counters;
        this.inboundRate = InboundRate.of(settings, clock);
    }

    /**
     * Whether nothing is left to finish here before a drain closes it: no call without its last reply, no output
     * queued. Read from the drain's thread; the answer may be stale by the time it is used, which the drain's
     * repeated checks and its deadline allow for.
     */
    boolean drained() {
        ConnectionHandler h = handler;
        return (h == null || h.callsInFlight() == 0) && writer.queuedBytes() == 0;
    }

    /** Sets the protocol spoken here; once, before the handshake. */
    void handler(ConnectionHandler handler) {
        this.handler = handler;
    }

    /** Counts this connection's messages in {@code meters} ({@code null}: the server counts nothing); once. */
    void meters(ServerMeters.@Nullable ProtocolMeters meters) {
        this.meters = meters;
    }

    ServerMeters.@Nullable ProtocolMeters meters() {
        return meters;
    }

    private ConnectionHandler handler() {
        return Objects.requireNonNull(handler, "handler");
    }

    Channel channel() {
        return channel;
    }

    SessionWriter writer() {
        return writer;
    }

    ConnectionSettings settings() {
        return settings;
    }

    Clock clock() {
        return clock;
    }

    SessionState state() {
        return state;
    }

    /** Whether no slow-consumer line was logged for this connection yet; marks it logged. */
    boolean markSlowLogged() {
        return SLOW_LOGGED.compareAndSet(this, 0, 1);
    }

    // ---- WebSocketSession ------------------------------------------------------------------------------------

    @Override
    public UUID id() {
        return id;
    }

    @Override
    public HttpRequest request() {
        return request;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return request.remoteAddress();
    }

    @Override
    public Identity identity() {
        return identity;
    }

    @Override
    public @Nullable String subprotocol() {
        return subprotocol;
    }

    @Override
    public Map<String, Object> attributes() {
        return attributes;
    }

    @Override
    public boolean isOpen() {
        return state == SessionState.OPEN;
    }

    @Override
    public boolean sendText(String text) {
        if (!isOpen()) {
            return false;
        }
        ByteBuf buf = channel.alloc().buffer(PreparedFrame.MAX_HEADER_BYTES + ByteBufUtil.utf8MaxBytes(text));
        buf.writerIndex(PreparedFrame.MAX_HEADER_BYTES).readerIndex(PreparedFrame.MAX_HEADER_BYTES);
        buf.writeCharSequence(text, StandardCharsets.UTF_8);
        return writer.sendOwned(buf, true);
    }

    @Override
    public boolean sendBinary(byte[] data) {
        if (!isOpen()) {
            return false;
        }
        ByteBuf buf = channel.alloc().buffer(PreparedFrame.MAX_HEADER_BYTES + data.length);
        buf.writerIndex(PreparedFrame.MAX_HEADER_BYTES).readerIndex(PreparedFrame.MAX_HEADER_BYTES);
        buf.writeBytes(data);
        return writer.sendOwned(buf, false);
    }

    @Override
    public long queuedBytes() {
        return writer.queuedBytes();
    }

    @Override
    public boolean isWritable() {
        return writer.isWritable();
    }

    @Override
    public long droppedMessages() {
        return writer.dropped();
    }

    @Override
    public void close(int code, String reason) {
        if (STATE.compareAndSet(this, SessionState.OPEN, SessionState.CLOSING)) {
            writer.close(code, reason);
        }
    }

    @Override
    public ScheduledExecutorService executor() {
        LoopExecutor e = executor;
        if (e == null) {
            e = new LoopExecutor(loop); // made on first use: most connections never ask
            executor = e;
        }
        return e;
    }

    @Override
    public CompletionStage<CloseStatus> closeFuture() {
        return closed.minimalCompletionStage();
    }

    /** Completes {@link #closeFuture()}; the handler calls it once its last callback has run. */
    void completeClosed(CloseStatus status) {
        closed.complete(status);
    }

    // ---- lifecycle, on the event loop ------------------------------------------------------------------------

    /** The handshake completed and the 101 is written. */
    void opened() {
        writer.handshakeDone(); // Netty's HTTP encoder is gone from the pipeline: raw frames may pass from now on
        ServerMeters.ProtocolMeters m = meters;
        if (m != null) {
            m.server().opened();
            counted = true;
        }
        handler().opened();
    }

    /** A complete message arrived; hands ownership of {@code content} to the protocol. */
    void received(ByteBuf content, boolean text) {
        if (closeStatus != null) {
            content.release(); // data after a close frame is ignored
            return;
        }
        InboundRate rate = inboundRate;
        if (rate != null) {
            long pauseNanos = rate.take(content.readableBytes());
            if (pauseNanos > 0) {
                counters.inboundRateExceeded(rate.action());
                if (rate.action() == InboundRateAction.CLOSE) {
                    content.release();
                    startClose(CloseCodes.POLICY_VIOLATION, rate.closeReason());
                    return;
                }
                throttle(pauseNanos);
            }
        }
        ServerMeters.ProtocolMeters m = meters;
        if (m != null) {
            m.received(content.readableBytes());
        }
        handler().message(content, text);
    }

    /** Why reading may be paused; reading resumes when no reason is left. */
    static final int READ_PAUSED_BY_INBOX = 1;

    static final int READ_PAUSED_BY_RATE = 2;

    /** Stops reading from the socket for {@code reason}; TCP then pushes back on the client. Event loop only. */
    void pauseReading(int reason) {
        if (readPauses == 0) {
            channel.config().setAutoRead(false);
        }
        readPauses |= reason;
    }

    /** Takes back {@code reason} to pause; reading resumes when none is left. Event loop only. */
    void resumeReading(int reason) {
        if ((readPauses & reason) == 0) {
            return;
        }
        readPauses &= ~reason;
        if (readPauses == 0) {
            channel.config().setAutoRead(true);
            channel.read();
        }
    }

    /**
     * Pauses reading for {@code nanos}, the time the client's debt to its inbound rate takes to pay back; a later
     * message of the same read, deeper in debt, moves the resume further out.
     */
    private void throttle(long nanos) {
        pauseReading(READ_PAUSED_BY_RATE);
        Cancellable previous = throttleTimer;
        if (previous != null) {
            previous.cancel();
        }
        throttleTimer = clock.schedule(
                java.time.Duration.ofNanos(nanos),
                () -> {
                    throttleTimer = null;
                    resumeReading(READ_PAUSED_BY_RATE);
                },
                loop);
    }

    /** Tells the protocol it may write again, if the connection is writable. */
    void fireWritable() {
        if (isWritable() && handler != null) {
            handler.writable();
        }
    }

    /** Netty's writability changed. */
    void writabilityChanged() {
        writer.writabilityChanged();
    }

    /** Drops everything queued and starts closing at once, from any thread: the client cannot keep up. */
    void closeNow(int code, String reason) {
        if (STATE.compareAndSet(this, SessionState.OPEN, SessionState.CLOSING)) {
            execute(() -> {
                writer.releaseQueued();
                startClose(code, reason);
            });
        }
    }

    private void execute(Runnable task) {
        if (loop.inEventLoop()) {
            task.run();
        } else {
            loop.execute(task);
        }
    }

    /** Sends our close frame and waits a bounded time for the client's. */
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
     * The client broke the protocol: fail the connection (RFC 6455 7.1.7). The close frame goes out, then our side
     * of the TCP connection is shut, and the rest of what the client sends is read and discarded until it closes or
     * the close timeout passes: closing at once while the client's bytes still arrive would make the kernel answer
     * with a reset, which can destroy the close frame before the client reads it.
     */
    void failConnection(int code, String reason, Throwable cause) {
        if (closeStatus != null) {
            channel.close();
            return;
        }
        STATE.compareAndSet(this, SessionState.OPEN, SessionState.CLOSING);
        closeStatus = new CloseStatus(code, reason, false);
        if (handler != null) {
            handler.failed(cause);
        }
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
        closeTimer = clock.schedule(
                settings.closeTimeout(),
                () -> {
                    log.debug("Session {}: {} within {}; dropping the connection", id, why, settings.closeTimeout());
                    channel.close();
                },
                loop);
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

    /** The channel closed: the single terminal transition. */
    void terminate() {
        if (state == SessionState.CLOSED) {
            return;
        }
        state = SessionState.CLOSED;
        if (closeTimer != null) {
            closeTimer.cancel();
        }
        CloseStatus status = closeStatus != null ? closeStatus : new CloseStatus(CloseStatus.ABNORMAL, "", true);
        writer.releaseQueued();
        registry.unregister(this);
        ServerMeters.ProtocolMeters m = meters;
        if (m != null && counted) {
            m.server().closed(status.code());
        }
        log.debug("Session {} closed: {}", id, status);
        ConnectionHandler h = handler;
        if (h != null) {
            h.closed(status); // completes closeFuture once its last callback ran
        } else {
            closed.complete(status);
        }
    }

    @Override
    public String toString() {
        return "WebSocketSession{" + id + ", " + request.path() + ", " + remoteAddress() + ", " + state + "}";
    }
}
