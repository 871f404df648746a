package dev.tether.client.internal;

import dev.tether.client.ClientConnection;
import dev.tether.client.ConnectionConfig;
import dev.tether.client.ConnectionException;
import dev.tether.client.ConnectionListener;
import dev.tether.client.ConnectionState;
import dev.tether.client.Disconnection;
import dev.tether.client.ReconnectInProgressException;
import dev.tether.client.SendRejectedException;
import dev.tether.client.SessionProtocol;
import dev.tether.core.Cancellable;
import dev.tether.core.Clock;
import dev.tether.core.CloseCodes;
import dev.tether.core.Durations;
import dev.tether.core.TetherException;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.util.concurrent.FastThreadLocalThread;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The standard {@link ClientConnection}: the wiring of the client's parts and the connection's state machine, on
 * one event loop. The parts, each in one place:
 *
 * <ul>
 *   <li>{@link Establisher}, layer 1: sockets until one is a ready session;
 *   <li>{@link DropPolicy}, layer 2's rules: what a drop of the ready session means (pure, no I/O);
 *   <li>{@link Heartbeat}: pings and half-open detection for the ready session;
 *   <li>{@link OutboundBuffer}: the byte bound of {@code send} and what waits while not ready;
 *   <li>{@link DefaultClientSession}: one socket, its frames and its close handshake.
 * </ul>
 *
 * <p>Events flow one way: the pipeline tells the session; the session tells the establisher while it is an attempt
 * and this connection once it is ready; this connection asks the policy, moves the state and tells the listeners.
 *
 * <p>Every mutable field below the atomics is confined to {@link #loop}; public methods hop there. The one
 * exception is {@link #establishing}: "a reconnect is already in progress" must be answered at once on the
 * caller's thread, so the running establishment's future is published atomically.
 */
public final class DefaultClientConnection implements ClientConnection {
    private static final Logger log = LoggerFactory.getLogger(DefaultClientConnection.class);
    private static final AtomicInteger IO_THREADS = new AtomicInteger();

    private final ConnectionConfig config;
    private final URI uri;
    private final EventLoopGroup group;
    private final boolean ownsGroup;
    private final EventLoop loop;
    private final Clock clock;
    private final SessionProtocol protocol;
    private final Listeners listeners;
    private final ConnectionStateMachine states;
    private final OutboundBuffer outbound;
    private final DropPolicy dropPolicy;
    private final Establisher establisher;
    private final AtomicReference<@Nullable CompletableFuture<Void>> establishing = new AtomicReference<>();
    private final CompletableFuture<Void> closeResult = new CompletableFuture<>();

    // Confined to the event loop.
    /** The result of the establisher's run, while it runs. */
    private @Nullable CompletableFuture<Void> runResult;

    private @Nullable DefaultClientSession current;
    private @Nullable CompletableFuture<Void> disconnectResult;
    private volatile boolean closed;

    public DefaultClientConnection(ConnectionConfig config) {
        this.config = config;
        this.uri = config.uri();
        this.clock = config.clock();
        this.protocol = config.protocol();
        this.listeners = new Listeners(config.listeners());
        this.states = new ConnectionStateMachine(config.strictTransitions(), listeners::stateChanged);
        this.dropPolicy = new DropPolicy(config);
        this.outbound = new OutboundBuffer(config.outboundBufferBytes(), config.outboundBufferPolicy());
        EventLoopGroup given = config.eventLoopGroup();
        if (given != null) {
            this.group = given;
            this.ownsGroup = false;
        } else {
            this.group = new MultiThreadIoEventLoopGroup(
                    1,
                    runnable -> {
                        Thread thread =
                                new FastThreadLocalThread(runnable, "tether-client-io-" + IO_THREADS.incrementAndGet());
                        thread.setDaemon(true);
                        return thread;
                    },
                    Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
            this.ownsGroup = true;
        }
        this.loop = group.next();
        this.establisher = new Establisher(this, loop, new Establisher.Outcome() {
            @Override
            public void attemptFailed(int attempt, ConnectionException error) {
                listeners.attemptFailed(attempt, error);
            }

            @Override
            public void ready(DefaultClientSession session) {
                sessionReady(session);
            }

            @Override
            public void gaveUp(TetherException error) {
                establishmentGaveUp(error);
            }
        });
    }

    // ---------------------------------------------------------------------------------------------------------
    // Public API: any thread, never blocks.

    @Override
    public CompletionStage<Void> connect() {
        if (closed) {
            return CompletableFuture.failedFuture(new ConnectionException("connection closed: " + uri));
        }
        CompletableFuture<Void> fresh = new CompletableFuture<>();
        CompletableFuture<Void> running = establishing.compareAndExchange(null, fresh);
        if (running != null) {
            return running.minimalCompletionStage();
        }
        if (!runOnLoop(() -> startConnect(fresh))) {
            establishing.compareAndSet(fresh, null);
            fresh.completeExceptionally(new ConnectionException("connection closed: " + uri));
        }
        return fresh.minimalCompletionStage();
    }

    @Override
    public CompletionStage<Void> reconnect() {
        if (closed) {
            return CompletableFuture.failedFuture(new ConnectionException("connection closed: " + uri));
        }
        CompletableFuture<Void> fresh = new CompletableFuture<>();
        if (!establishing.compareAndSet(null, fresh)) {
            return CompletableFuture.failedFuture(
                    new ReconnectInProgressException("reconnect already in progress: " + uri));
        }
        if (!runOnLoop(() -> startReconnect(fresh, Duration.ZERO))) {
            establishing.compareAndSet(fresh, null);
            fresh.completeExceptionally(new ConnectionException("connection closed: " + uri));
        }
        return fresh.minimalCompletionStage();
    }

    @Override
    public CompletionStage<Void> send(String text) {
        return submit(Outbound.text(text, false));
    }

    @Override
    public CompletionStage<Void> send(byte[] bytes) {
        return submit(Outbound.binary(bytes, false));
    }

    @Override
    public CompletionStage<Void> sendWithRetry(String text) {
        return submit(Outbound.text(text, true));
    }

    @Override
    public CompletionStage<Void> sendWithRetry(byte[] bytes) {
        return submit(Outbound.binary(bytes, true));
    }

    @Override
    public CompletionStage<Void> disconnect() {
        return disconnect(CloseCodes.NORMAL, CloseCodes.CLIENT_CLOSING);
    }

    @Override
    public CompletionStage<Void> disconnect(int code, String reason) {
        checkCloseCode(code);
        if (reason.getBytes(StandardCharsets.UTF_8).length > 123) {
            throw new IllegalArgumentException(
                    "reason: '" + reason + "' (expected: at most 123 bytes in UTF-8, the room in a close frame)");
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (!runOnLoop(() -> startDisconnect(done, code, reason))) {
            done.complete(null);
        }
        return done.minimalCompletionStage();
    }

    /** RFC 6455 section 7.4: the codes an endpoint may put in a close frame. */
    private static void checkCloseCode(int code) {
        boolean defined = (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014);
        if (!defined && (code < 3000 || code > 4999)) {
            throw new IllegalArgumentException(
                    "code: " + code + " (expected: 1000-1003, 1007-1014 or 3000-4999, a code a client may send)");
        }
    }

    @Override
    public CompletionStage<Void> close() {
        if (!closed) {
            disconnect().whenComplete((ignored, error) -> {
                if (!runOnLoop(this::finishClose)) {
                    closeResult.complete(null);
                }
            });
        }
        return closeResult.minimalCompletionStage();
    }

    @Override
    public ConnectionState state() {
        return states.state();
    }

    @Override
    public boolean everConnected() {
        return states.everConnected();
    }

    @Override
    public long queuedBytes() {
        return outbound.queuedBytes();
    }

    @Override
    public boolean isWritable() {
        return outbound.isWritable();
    }

    @Override
    public URI uri() {
        return uri;
    }

    @Override
    public ConnectionConfig config() {
        return config;
    }

    @Override
    public void addListener(ConnectionListener listener) {
        listeners.add(listener);
    }

    @Override
    public void removeListener(ConnectionListener listener) {
        listeners.remove(listener);
    }

    @Override
    public String toString() {
        return "ClientConnection(" + uri + ", " + states.state() + ")";
    }

    /**
     * Runs {@code task} on the event loop after what runs there now, for the client's bookkeeping; once the loop is
     * shut down it runs on the caller's thread, as nothing else runs then.
     */
    void later(Runnable task) {
        if (!runOnLoop(task)) {
            task.run();
        }
    }

    private boolean runOnLoop(Runnable task) {
        try {
            loop.execute(task);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Layer 1: establishing.

    private void startConnect(CompletableFuture<Void> result) {
        if (establishing.get() != result) {
            return; // cancelled by a disconnect before it started
        }
        if (closed) {
            finishEstablishing(result, new ConnectionException("connection closed: " + uri));
            return;
        }
        if (current != null) {
            finishEstablishing(result, null);
            return;
        }
        dropPolicy.lifecycleStarted();
        runResult = result;
        states.moveTo(ConnectionState.CONNECTING);
        establisher.start(config.connectBackoff(), false, states.everConnected(), Duration.ZERO);
    }

    /** Starts a reconnect (manual, after a drop, or for a {@code sendWithRetry}), replacing a ready socket. */
    private void startReconnect(CompletableFuture<Void> result, Duration wait) {
        if (establishing.get() != result) {
            return;
        }
        if (closed) {
            finishEstablishing(result, new ConnectionException("connection closed: " + uri));
            return;
        }
        DefaultClientSession replaced = current;
        Duration lifetime = Duration.ZERO;
        if (replaced != null) {
            lifetime = dropPolicy.readyFor(clock.nanoTime());
            replaced.retire();
            current = null;
            replaced.closeChannel();
        }
        runResult = result;
        states.moveTo(ConnectionState.CONNECTING);
        boolean everConnected = states.everConnected();
        establisher.start(config.reconnectBackoff(), everConnected, everConnected, wait);
        if (replaced != null) {
            listeners.disconnected(
                    new Disconnection(CloseCodes.NORMAL, "Client is reconnecting.", null, lifetime, true));
        }
    }

    private void sessionReady(DefaultClientSession session) {
        CompletableFuture<Void> result = runResult;
        runResult = null;
        current = session;
        dropPolicy.ready(clock.nanoTime());
        states.moveTo(ConnectionState.CONNECTED);
        startHeartbeat(session);
        outbound.flush(out -> write(session, out));
        listeners.connected(session);
        if (result != null) {
            finishEstablishing(result, null);
        }
    }

    private void establishmentGaveUp(TetherException error) {
        CompletableFuture<Void> result = runResult;
        runResult = null;
        end(error);
        if (result != null) {
            finishEstablishing(result, error);
        }
    }

    private void finishEstablishing(CompletableFuture<Void> result, @Nullable Throwable error) {
        establishing.compareAndSet(result, null);
        if (error == null) {
            result.complete(null);
        } else {
            result.completeExceptionally(error);
        }
    }

    /** The one road to the end of a lifecycle: state, queued sends, the terminal event. */
    private void end(@Nullable TetherException error) {
        states.moveTo(ConnectionState.DISCONNECTED);
        outbound.failHeld(error == null ? "the connection was closed" : "the connection ended: " + error.getMessage());
        listeners.ended(error);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Layer 2: after a drop.

    void socketClosed(DefaultClientSession session) {
        if (session.retired) {
            return;
        }
        session.retire();
        if (current != session) {
            return;
        }
        current = null;
        int code = session.closeCode == -1 ? Disconnection.ABNORMAL_CLOSURE : session.closeCode;
        String reason = session.closeReason != null && !session.closeReason.isEmpty()
                ? session.closeReason
                : session.dropCause != null ? Stages.describe(session.dropCause) : "";
        Throwable cause = session.dropCause;
        CompletableFuture<Void> disconnecting = disconnectResult;
        DropPolicy.Decision decision = dropPolicy.dropped(clock.nanoTime(), code, reason, disconnecting != null);
        Disconnection disconnection =
                new Disconnection(code, reason, cause, decision.lifetime(), decision.reconnects());
        if (disconnecting != null) {
            disconnectResult = null;
            stop(disconnection, null);
            disconnecting.complete(null);
            return;
        }
        if (decision.kind() == DropPolicy.Kind.CLOSED_NORMALLY) {
            log.info("{}: the server closed the session normally (1000 {})", uri, reason);
            stop(disconnection, null);
            return;
        }
        log.info("{}: connection lost after {}: {} {}", uri, Durations.format(decision.lifetime()), code, reason);
        String failure = decision.failure();
        if (failure != null) {
            stop(disconnection, new ConnectionException(failure, cause));
            return;
        }
        CompletableFuture<Void> result = new CompletableFuture<>();
        if (establishing.compareAndSet(null, result)) {
            startReconnect(result, decision.delay());
        } else {
            // A reconnect() request is on its way to the loop; it starts the establishment.
            states.moveTo(ConnectionState.CONNECTING);
        }
        listeners.disconnected(disconnection);
    }

    private void stop(Disconnection disconnection, @Nullable ConnectionException error) {
        states.moveTo(ConnectionState.DISCONNECTED);
        listeners.disconnected(disconnection);
        if (error != null) {
            log.warn("{}: {}", uri, error.getMessage());
        }
        end(error);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Heartbeats.

    private void startHeartbeat(DefaultClientSession session) {
        Channel channel = session.channel;
        if (channel == null) {
            return;
        }
        Heartbeat heartbeat = new Heartbeat(
                clock,
                loop,
                config.heartbeatInterval(),
                config.pongTimeout(),
                () -> channel.writeAndFlush(new PingWebSocketFrame()),
                message -> {
                    if (!session.retired) {
                        log.warn("{}: {}, dropping it", uri, message);
                        session.dropCause = new ConnectionException(message);
                        channel.close();
                    }
                });
        session.heartbeat = heartbeat;
        heartbeat.start();
    }

    void pongReceived(DefaultClientSession session) {
        Heartbeat heartbeat = session.heartbeat;
        if (heartbeat != null) {
            heartbeat.pongReceived();
        }
    }

    void inboundFrame(DefaultClientSession session) {
        if (config.anyFrameIsLiveness()) {
            pongReceived(session);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Inbound messages.

    void textReceived(DefaultClientSession session, String text) {
        if (session.retired) {
            return;
        }
        try {
            protocol.onText(session, text);
        } catch (RuntimeException e) {
            log.warn("{}: session protocol threw in onText; ignored", uri, e);
        }
    }

    void binaryReceived(DefaultClientSession session, byte[] bytes) {
        if (session.retired) {
            return;
        }
        try {
            protocol.onBinary(session, bytes);
        } catch (RuntimeException e) {
            log.warn("{}: session protocol threw in onBinary; ignored", uri, e);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Outbound.

    private CompletionStage<Void> submit(Outbound out) {
        if (!outbound.reserve(out)) {
            return out.result.minimalCompletionStage();
        }
        if (!runOnLoop(() -> dispatch(out))) {
            outbound.reject(out, "the connection is closed");
        }
        return out.result.minimalCompletionStage();
    }

    CompletionStage<Void> sendOnSession(DefaultClientSession session, Outbound out) {
        if (!outbound.reserve(out)) {
            return out.result.minimalCompletionStage();
        }
        Runnable send = () -> {
            if (session.retired || session.channel == null || !session.upgraded || session.closing) {
                outbound.reject(out, "session " + session.number() + " is closed");
            } else {
                write(session, out);
            }
        };
        if (loop.inEventLoop()) {
            // From a callback (an echo, a reply): written now, before the rest of what was read in the same batch
            // is handled, which may fail the connection and would otherwise drop this send.
            send.run();
        } else if (!runOnLoop(send)) {
            outbound.reject(out, "the connection is closed");
        }
        return out.result.minimalCompletionStage();
    }

    private void dispatch(Outbound out) {
        DefaultClientSession session = current;
        if (session != null && !session.closing) {
            write(session, out);
            return;
        }
        if (closed) {
            outbound.reject(out, "the connection is closed");
            return;
        }
        if (out.withRetry && disconnectResult == null) {
            resendAfterReconnect(out);
            return;
        }
        outbound.holdWhileNotReady(out, states.state(), disconnectResult != null);
    }

    private void write(DefaultClientSession session, Outbound out) {
        Channel channel = session.channel;
        if (channel == null) {
            outbound.reject(out, "session " + session.number() + " is closed");
            return;
        }
        channel.writeAndFlush(out.frame(channel.alloc())).addListener(f -> {
            outbound.release(out);
            if (f.isSuccess()) {
                out.result.complete(null);
            } else if (out.withRetry && !out.retried && !closed) {
                if (outbound.reserve(out)) {
                    resendAfterReconnect(out);
                }
            } else {
                out.result.completeExceptionally(
                        new SendRejectedException("cannot send: the write failed: " + Stages.describe(f.cause())));
            }
        });
    }

    /** {@code sendWithRetry} on a dead socket: one reconnect (or the running one), then exactly one resend. */
    private void resendAfterReconnect(Outbound out) {
        out.retried = true;
        CompletableFuture<Void> running = establishing.get();
        if (running == null) {
            CompletableFuture<Void> fresh = new CompletableFuture<>();
            if (establishing.compareAndSet(null, fresh)) {
                log.info("{}: sendWithRetry found the socket dead; reconnecting once", uri);
                startReconnect(fresh, Duration.ZERO);
            }
            running = establishing.get();
        }
        if (running == null) {
            outbound.reject(out, "not connected");
            return;
        }
        running.whenComplete((ignored, error) -> runOnLoop(() -> {
            DefaultClientSession session = current;
            if (error == null && session != null && !session.closing) {
                write(session, out);
                return;
            }
            outbound.release(out);
            ConnectionException failure = new ConnectionException(
                    "sendWithRetry failed: "
                            + (error != null
                                    ? "the reconnect failed: " + Stages.describe(Stages.unwrap(error))
                                    : "not connected"),
                    error == null ? null : Stages.unwrap(error));
            out.result.completeExceptionally(failure);
            listeners.error(failure);
        }));
    }

    // ---------------------------------------------------------------------------------------------------------
    // Disconnect and close.

    private void startDisconnect(CompletableFuture<Void> done, int code, String reason) {
        if (disconnectResult != null) {
            disconnectResult.whenComplete((ignored, error) -> done.complete(null));
            return;
        }
        if (establisher.cancel()) {
            CompletableFuture<Void> result = runResult;
            runResult = null;
            end(null);
            if (result != null) {
                finishEstablishing(result, new CancellationException("disconnected by the application"));
            }
            done.complete(null);
            return;
        }
        CompletableFuture<Void> pending = establishing.getAndSet(null);
        if (pending != null) {
            pending.completeExceptionally(new CancellationException("disconnected by the application"));
        }
        DefaultClientSession session = current;
        if (session == null) {
            if (pending != null) {
                end(null);
            }
            done.complete(null);
            return;
        }
        disconnectResult = done;
        Heartbeat heartbeat = session.heartbeat;
        if (heartbeat != null) {
            heartbeat.stop();
        }
        // The goodbye (unsubscribe) and the close handshake share one bound: closeTimeout each.
        CompletionStage<Void> goodbye = Stages.invoke(() -> protocol.beforeDisconnect(session), "beforeDisconnect");
        if (goodbye instanceof CompletableFuture<Void> finished && finished.isDone()) {
            session.sendClose(code, reason); // nothing to wait for: the close timer is the only one pending
            return;
        }
        Cancellable goodbyeTimer = schedule(config.closeTimeout(), () -> session.sendClose(code, reason));
        goodbye.whenComplete((ignored, error) -> runOnLoop(() -> {
            goodbyeTimer.cancel();
            session.sendClose(code, reason);
        }));
    }

    private void finishClose() {
        if (closed) {
            return;
        }
        closed = true;
        outbound.failHeld("the connection is closed");
        states.moveTo(ConnectionState.CLOSED);
        if (ownsGroup) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).addListener(f -> closeResult.complete(null));
        } else {
            closeResult.complete(null);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Helpers.

    /** Runs {@code task} on the event loop after {@code delay} of the configured clock. */
    Cancellable schedule(Duration delay, Runnable task) {
        return clock.schedule(delay, task, loop);
    }
}
