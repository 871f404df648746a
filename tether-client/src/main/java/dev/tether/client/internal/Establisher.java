package dev.tether.client.internal;

import dev.tether.client.AuthenticationException;
import dev.tether.client.ConnectionConfig;
import dev.tether.client.ConnectionException;
import dev.tether.client.ServerNotFoundException;
import dev.tether.client.SessionProtocol;
import dev.tether.core.Backoff;
import dev.tether.core.Cancellable;
import dev.tether.core.Clock;
import dev.tether.core.Durations;
import dev.tether.core.TetherException;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.IoEventLoop;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.NetUtil;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Layer 1: makes sockets until one is a ready session, waiting by a {@link Backoff} between failed attempts. An
 * attempt is the TCP connect (bounded by {@code connectTimeout}), TLS for {@code wss}, the WebSocket upgrade, the
 * protocol's {@code handshake} and, once a session was ever ready, its {@code resubscribe}; the whole attempt is
 * bounded by {@code handshakeTimeout}. Every failure is retried except an authentication rejection and a
 * cancellation. Each failed attempt and the end of a run (ready, or given up) go to the {@link Outcome}.
 *
 * <p>One run at a time. Confined to the connection's event loop; its timers read the configured {@link Clock}.
 */
final class Establisher {
    private static final Logger log = LoggerFactory.getLogger(Establisher.class);

    /** Hears how a run goes, on the event loop. */
    interface Outcome {
        /** Attempt {@code attempt} failed; the next one (or the give-up) is already scheduled. */
        void attemptFailed(int attempt, ConnectionException error);

        /** The run is over: {@code session} is ready. */
        void ready(DefaultClientSession session);

        /** The run is over: no attempt is left, or the failure is not worth retrying. */
        void gaveUp(TetherException error);
    }

    private final DefaultClientConnection owner;
    private final ConnectionConfig config;
    private final URI uri;
    private final String host;
    private final int port;
    private final @Nullable SslContext sslContext;
    private final EventLoop loop;
    private final Class<? extends SocketChannel> channelType;
    private final Clock clock;
    private final SessionProtocol protocol;
    private final Outcome outcome;

    // The current run.
    private boolean running;
    private long run;
    private Backoff backoff;
    private boolean reconnect;
    private boolean resubscribe;
    private int failures;
    private boolean nothingFound;
    private long sessions;
    private @Nullable DefaultClientSession attempt;
    private @Nullable Cancellable wait;
    private @Nullable Cancellable connectTimer;
    private @Nullable Cancellable handshakeTimer;

    /**
     * @param owner the connection the sessions belong to: their frames and their end after they are ready go there
     * @param loop the loop the sockets are made on
     */
    Establisher(DefaultClientConnection owner, EventLoop loop, Outcome outcome) {
        this.owner = owner;
        this.config = owner.config();
        this.uri = config.uri();
        boolean tls = uri.getScheme().toLowerCase(Locale.ROOT).equals("wss");
        this.host = uri.getHost();
        this.port = uri.getPort() != -1 ? uri.getPort() : tls ? 443 : 80;
        this.sslContext = tls ? newSslContext(config) : null;
        this.loop = loop;
        this.channelType = Epoll.isAvailable() && loop instanceof IoEventLoop io && io.isIoType(EpollIoHandler.class)
                ? EpollSocketChannel.class
                : NioSocketChannel.class;
        this.clock = config.clock();
        this.protocol = config.protocol();
        this.outcome = outcome;
        this.backoff = config.connectBackoff();
    }

    private static SslContext newSslContext(ConnectionConfig config) {
        try {
            SslContextBuilder builder = SslContextBuilder.forClient().endpointIdentificationAlgorithm("HTTPS");
            if (config.trustManagerFactory() != null) {
                builder.trustManager(config.trustManagerFactory());
            }
            return builder.build();
        } catch (SSLException e) {
            throw new IllegalArgumentException(
                    "TLS: " + e.getMessage() + " (expected: a usable trust configuration)", e);
        }
    }

    /**
     * Starts a run: the first attempt after {@code wait}.
     *
     * @param reconnect whether failures are reported as reconnection attempts
     * @param resubscribe whether a session was ever ready, so that each attempt ends with {@code resubscribe}
     */
    void start(Backoff backoff, boolean reconnect, boolean resubscribe, Duration wait) {
        cancel(); // the connection starts one run at a time; this only guards against a stray one
        this.running = true;
        this.run++;
        this.backoff = backoff;
        this.reconnect = reconnect;
        this.resubscribe = resubscribe;
        this.failures = 0;
        this.nothingFound = true;
        if (wait.isZero()) {
            attempt();
        } else {
            this.wait = schedule(wait, this::attempt);
        }
    }

    /** Whether a run is in progress (attempting or waiting). */
    boolean isRunning() {
        return running;
    }

    /**
     * Ends the run without an outcome: the application disconnects.
     *
     * @return whether a run was in progress
     */
    boolean cancel() {
        if (!running) {
            return false;
        }
        running = false;
        wait = Timers.cancel(wait);
        DefaultClientSession abandoned = endAttempt();
        if (abandoned != null) {
            abandoned.retire();
            abandoned.closeChannel();
        }
        return true;
    }

    private Cancellable schedule(Duration delay, Runnable task) {
        long scheduledIn = run;
        return clock.schedule(
                delay,
                () -> {
                    if (running && run == scheduledIn) {
                        task.run();
                    }
                },
                loop);
    }

    private void attempt() {
        wait = null;
        DefaultClientSession session = new DefaultClientSession(owner, ++sessions, resubscribe, this);
        attempt = session;
        Duration handshakeTimeout = config.handshakeTimeout();
        handshakeTimer = schedule(
                handshakeTimeout,
                () -> failed(
                        session,
                        new ConnectionException(
                                "handshake did not complete within " + Durations.format(handshakeTimeout))));
        Duration connectTimeout = config.connectTimeout();
        connectTimer = schedule(
                connectTimeout,
                () -> failed(
                        session,
                        new ConnectionException("could not connect to " + host + ":" + port + " within "
                                + Durations.format(connectTimeout))));

        ClientHandshaker handshaker = new ClientHandshaker(
                uri,
                config.subprotocols().isEmpty() ? null : String.join(",", config.subprotocols()),
                upgradeHeaders(),
                config.maxFrameBytes());
        Bootstrap bootstrap = new Bootstrap()
                .group(loop)
                .channel(channelType)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (sslContext != null) {
                            ch.pipeline().addLast("tls", sslContext.newHandler(ch.alloc(), host, port));
                        }
                        ch.pipeline()
                                .addLast("http", new HttpClientCodec())
                                .addLast("http-aggregator", new HttpObjectAggregator(64 * 1024))
                                .addLast("upgrade", new UpgradeHandler(handshaker, session, config.maxMessageBytes()));
                    }
                });
        // An IP literal needs no lookup; a host name goes through Netty's resolver. Tests and most deployments
        // on a LAN use literals; see docs/client.md about DNS.
        InetSocketAddress address = InetSocketAddress.createUnresolved(host, port);
        try {
            address = new InetSocketAddress(NetUtil.createInetAddressFromIpAddressString(host), port);
        } catch (IllegalArgumentException notALiteral) {
            // resolved by the bootstrap
        }
        ChannelFuture connected = bootstrap.connect(address);
        session.channel = connected.channel();
        connected.addListener(f -> {
            if (f.isSuccess()) {
                connectTimer = Timers.cancel(connectTimer);
                session.open = true;
            } else {
                failed(session, f.cause());
            }
        });
    }

    private HttpHeaders upgradeHeaders() {
        HttpHeaders headers = new DefaultHttpHeaders();
        config.headers().forEach(headers::add);
        return headers;
    }

    // Events of the attempt's socket, routed here by the session while it is an attempt.

    void upgraded(DefaultClientSession session) {
        if (isCurrent(session)) {
            CompletionStage<Void> handshake = Stages.invoke(() -> protocol.handshake(session), "handshake");
            whenCompleteOnLoop(handshake, error -> handshaken(session, error));
        }
    }

    private void handshaken(DefaultClientSession session, @Nullable Throwable error) {
        if (!isCurrent(session)) {
            return;
        }
        if (error != null) {
            failed(session, error);
        } else if (!session.isReconnect()) {
            ready(session);
        } else {
            CompletionStage<Void> resubscribed = Stages.invoke(() -> protocol.resubscribe(session), "resubscribe");
            whenCompleteOnLoop(resubscribed, failure -> {
                if (!isCurrent(session)) {
                    return;
                }
                if (failure != null) {
                    failed(session, failure);
                } else {
                    ready(session);
                }
            });
        }
    }

    /** The attempt's socket closed before the session was ready. */
    void attemptClosed(DefaultClientSession session) {
        if (!isCurrent(session)) {
            return;
        }
        session.open = false;
        String message = session.closeCode != -1
                ? "the server closed the connection during the handshake: " + session.closeCode + " "
                        + session.closeReason
                : "the connection closed during the handshake";
        failed(session, new ConnectionException(message, session.dropCause));
    }

    /** The attempt failed: the upgrade, the handshake, a timeout, or the socket. */
    void failed(DefaultClientSession session, Throwable failure) {
        if (!isCurrent(session)) {
            return;
        }
        endAttempt();
        session.retire();
        session.closeChannel();
        Throwable cause = Stages.unwrap(failure);
        if (cause instanceof AuthenticationException fatal) {
            log.warn(
                    "{}: {}{}",
                    uri,
                    fatal.getMessage(),
                    session.isReconnect() ? " (after reconnecting: were the credentials revoked?)" : "");
            giveUp(fatal);
            return;
        }
        if (cause instanceof CancellationException) {
            giveUp(new ConnectionException("connection attempt " + (failures + 1) + " was cancelled", cause));
            return;
        }
        failures++;
        if (!(cause instanceof ConnectException || cause instanceof UnknownHostException)) {
            nothingFound = false;
        }
        ConnectionException error = new ConnectionException(
                (reconnect ? "reconnection attempt " : "connection attempt ") + failures + " failed: "
                        + Stages.describe(cause),
                cause);
        if (backoff.allowsAttempt(failures)) {
            Duration delay = backoff.delay(failures, config.random());
            log.info("{}; next attempt in {}", error.getMessage(), Durations.format(delay));
            wait = schedule(delay, this::attempt);
            outcome.attemptFailed(failures, error);
            return;
        }
        ConnectionException finalError = giveUpError(cause);
        if (backoff.delayAfterLastFailure()) {
            Duration delay = backoff.delay(failures, config.random());
            log.info("{}; giving up in {}", error.getMessage(), Durations.format(delay));
            wait = schedule(delay, () -> giveUp(finalError));
            outcome.attemptFailed(failures, error);
        } else {
            log.info("{}", error.getMessage());
            outcome.attemptFailed(failures, error);
            giveUp(finalError);
        }
    }

    private ConnectionException giveUpError(Throwable last) {
        if (reconnect) {
            return new ConnectionException(
                    "failed to reconnect after " + attempts(failures) + ": " + Stages.describe(last), last);
        }
        if (nothingFound) {
            return new ServerNotFoundException("could not find the server at " + uri, last);
        }
        return new ConnectionException(
                "failed to connect after " + attempts(failures) + ": " + Stages.describe(last), last);
    }

    private void ready(DefaultClientSession session) {
        endAttempt();
        running = false;
        outcome.ready(session);
    }

    private void giveUp(TetherException error) {
        if (!running) {
            return;
        }
        running = false;
        wait = Timers.cancel(wait);
        log.warn("{}: {}", uri, error.getMessage());
        outcome.gaveUp(error);
    }

    private boolean isCurrent(DefaultClientSession session) {
        return session == attempt && !session.retired;
    }

    /** Detaches the attempt's socket from the run and stops its timers; returns it. */
    private @Nullable DefaultClientSession endAttempt() {
        DefaultClientSession ended = attempt;
        attempt = null;
        if (ended != null) {
            ended.attemptOf = null;
        }
        connectTimer = Timers.cancel(connectTimer);
        handshakeTimer = Timers.cancel(handshakeTimer);
        return ended;
    }

    /**
     * Runs {@code then} on the loop when {@code stage} completes: at once when it already has (so that a
     * synchronous handshake makes the session ready before the next inbound frame is read), else by a hop.
     */
    private void whenCompleteOnLoop(CompletionStage<Void> stage, Consumer<@Nullable Throwable> then) {
        stage.whenComplete((ignored, error) -> {
            if (loop.inEventLoop()) {
                then.accept(error);
            } else {
                try {
                    loop.execute(() -> then.accept(error));
                } catch (RejectedExecutionException shutDown) {
                    // the connection closed; nothing is waiting for this attempt any more
                }
            }
        });
    }

    private static String attempts(int count) {
        return count == 1 ? "1 attempt" : count + " attempts";
    }
}
