package dev.tether.client;

import dev.tether.core.Backoff;
import dev.tether.core.Checks;
import dev.tether.core.Clock;
import io.netty.channel.EventLoopGroup;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.random.RandomGenerator;
import javax.net.ssl.TrustManagerFactory;
import org.jspecify.annotations.Nullable;

/**
 * Everything a {@link ClientConnection} is made of: where to connect, how hard to try, how to notice a dead
 * socket, and the application protocol and listeners. Immutable; make one with {@link #builder()}, copy one with
 * {@link #toBuilder()}.
 *
 * <table>
 *   <caption>Defaults</caption>
 *   <tr><th>setting</th><th>default</th><th>layer</th></tr>
 *   <tr><td>{@link #connectTimeout()}</td><td>5 s (TCP; TLS counts against the handshake timeout)</td><td>1</td></tr>
 *   <tr><td>{@link #handshakeTimeout()}</td><td>10 s (whole attempt, application handshake included)</td><td>1</td></tr>
 *   <tr><td>{@link #connectBackoff()}</td><td>{@link Backoff#connectDefault()}: 5 attempts,
 *       {@code min(2^(n-1) + U(0,1), 32)} s</td><td>1</td></tr>
 *   <tr><td>{@link #reconnectBackoff()}</td><td>the same, for the attempts after a drop</td><td>2</td></tr>
 *   <tr><td>{@link #quickFailureWindow()}, {@link #maxQuickFailures()}</td><td>5 s, 3</td><td>2</td></tr>
 *   <tr><td>{@link #earlyDropWindow()}</td><td>30 s</td><td>2</td></tr>
 *   <tr><td>{@link #earlyDropBackoff()}</td><td>{@link Backoff#earlyDropDefault()}: 5 retries,
 *       {@code min(2 * 2^(n-1), 60) + U(0,2)} s</td><td>2</td></tr>
 *   <tr><td>{@link #earlyDropBudget()}</td><td>300 s after the first early drop</td><td>2</td></tr>
 *   <tr><td>{@link #reconnectAfterLateDrop()}</td><td>true</td><td>2</td></tr>
 *   <tr><td>{@link #goingAwayJitter()}</td><td>1 s</td><td>2</td></tr>
 *   <tr><td>{@link #heartbeatInterval()}, {@link #pongTimeout()}</td><td>30 s, 15 s</td><td>2</td></tr>
 *   <tr><td>{@link #closeTimeout()}</td><td>2 s</td><td>2</td></tr>
 *   <tr><td>{@link #outboundBufferPolicy()}, {@link #outboundBufferBytes()}</td><td>FAIL_FAST, 1 MiB</td><td></td></tr>
 *   <tr><td>{@link #maxFrameBytes()}, {@link #maxMessageBytes()}</td><td>1 MiB, 1 MiB</td><td></td></tr>
 *   <tr><td>{@link #strictTransitions()}</td><td>false (lenient: log and apply)</td><td></td></tr>
 * </table>
 */
public final class ConnectionConfig {
    private final URI uri;
    private final Map<String, List<String>> headers;
    private final List<String> subprotocols;
    private final int maxFrameBytes;
    private final int maxMessageBytes;
    private final Duration connectTimeout;
    private final Duration handshakeTimeout;
    private final Backoff connectBackoff;
    private final Backoff reconnectBackoff;
    private final Duration quickFailureWindow;
    private final int maxQuickFailures;
    private final Duration earlyDropWindow;
    private final Backoff earlyDropBackoff;
    private final Duration earlyDropBudget;
    private final boolean reconnectAfterLateDrop;
    private final Duration goingAwayJitter;
    private final Duration heartbeatInterval;
    private final Duration pongTimeout;
    private final boolean anyFrameIsLiveness;
    private final Duration closeTimeout;
    private final boolean strictTransitions;
    private final OutboundBufferPolicy outboundBufferPolicy;
    private final long outboundBufferBytes;
    private final @Nullable TrustManagerFactory trustManagerFactory;
    private final Clock clock;
    private final RandomGenerator random;
    private final @Nullable EventLoopGroup eventLoopGroup;
    private final SessionProtocol protocol;
    private final List<ConnectionListener> listeners;

    private ConnectionConfig(Builder b, URI uri) {
        this.uri = uri;
        Map<String, List<String>> headerCopy = new LinkedHashMap<>();
        b.headers.forEach((name, values) -> headerCopy.put(name, List.copyOf(values)));
        this.headers = Collections.unmodifiableMap(headerCopy);
        this.subprotocols = List.copyOf(b.subprotocols);
        this.maxFrameBytes = b.maxFrameBytes;
        this.maxMessageBytes = b.maxMessageBytes;
        this.connectTimeout = b.connectTimeout;
        this.handshakeTimeout = b.handshakeTimeout;
        this.connectBackoff = b.connectBackoff;
        this.reconnectBackoff = b.reconnectBackoff;
        this.quickFailureWindow = b.quickFailureWindow;
        this.maxQuickFailures = b.maxQuickFailures;
        this.earlyDropWindow = b.earlyDropWindow;
        this.earlyDropBackoff = b.earlyDropBackoff;
        this.earlyDropBudget = b.earlyDropBudget;
        this.reconnectAfterLateDrop = b.reconnectAfterLateDrop;
        this.goingAwayJitter = b.goingAwayJitter;
        this.heartbeatInterval = b.heartbeatInterval;
        this.pongTimeout = b.pongTimeout;
        this.anyFrameIsLiveness = b.anyFrameIsLiveness;
        this.closeTimeout = b.closeTimeout;
        this.strictTransitions = b.strictTransitions;
        this.outboundBufferPolicy = b.outboundBufferPolicy;
        this.outboundBufferBytes = b.outboundBufferBytes;
        this.trustManagerFactory = b.trustManagerFactory;
        this.clock = b.clock;
        this.random = b.random;
        this.eventLoopGroup = b.eventLoopGroup;
        this.protocol = b.protocol;
        this.listeners = List.copyOf(b.listeners);
    }

    /** A builder with the defaults in the table above; only {@link Builder#uri(URI)} is required. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this configuration. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** The {@code ws://} or {@code wss://} URI to connect to. */
    public URI uri() {
        return uri;
    }

    /** Extra headers of the upgrade request, e.g. {@code Authorization}. */
    public Map<String, List<String>> headers() {
        return headers;
    }

    /** The subprotocols offered in {@code Sec-WebSocket-Protocol}, in order of preference. */
    public List<String> subprotocols() {
        return subprotocols;
    }

    /** The largest frame payload accepted from the server; a larger one closes the session with 1009. */
    public int maxFrameBytes() {
        return maxFrameBytes;
    }

    /** The largest message (continuation frames joined) accepted from the server; larger closes with 1009. */
    public int maxMessageBytes() {
        return maxMessageBytes;
    }

    /** How long one attempt may take to open the TCP connection; TLS counts against the handshake timeout. */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** How long one attempt may take from its start to ready: TCP, TLS, upgrade, handshake, re-subscribe. */
    public Duration handshakeTimeout() {
        return handshakeTimeout;
    }

    /** The attempts and waits of {@link ClientConnection#connect()} (layer 1). */
    public Backoff connectBackoff() {
        return connectBackoff;
    }

    /** The attempts and waits of a reconnect after a drop (layer 2). */
    public Backoff reconnectBackoff() {
        return reconnectBackoff;
    }

    /** A session ready for less than this and then dropped is a quick failure. */
    public Duration quickFailureWindow() {
        return quickFailureWindow;
    }

    /** How many quick failures in a row end the connection; 0 turns the check off. */
    public int maxQuickFailures() {
        return maxQuickFailures;
    }

    /** A drop within this time after ready is an early drop; {@link Duration#ZERO} turns the check off. */
    public Duration earlyDropWindow() {
        return earlyDropWindow;
    }

    /** The waits before reconnecting after early drops; its {@code maxAttempts} bounds the retries. */
    public Backoff earlyDropBackoff() {
        return earlyDropBackoff;
    }

    /** Early drops are retried for at most this long after the first of a streak; beyond, the connection ends. */
    public Duration earlyDropBudget() {
        return earlyDropBudget;
    }

    /**
     * Whether a drop after the early-drop window reconnects (true) or ends the connection with an error for a
     * {@link Supervisor} to handle (false, the second reference's behaviour).
     */
    public boolean reconnectAfterLateDrop() {
        return reconnectAfterLateDrop;
    }

    /**
     * When the server closes with 1001 (going away: it shuts down or drains) or 1012 (service restart) after the
     * early-drop window, the reconnect waits a random time below this, so that the clients of a drained server do
     * not all arrive at the next one in the same millisecond; {@link Duration#ZERO} reconnects at once.
     */
    public Duration goingAwayJitter() {
        return goingAwayJitter;
    }

    /** How often a ready session sends a ping; {@link Duration#ZERO} turns heartbeats off. */
    public Duration heartbeatInterval() {
        return heartbeatInterval;
    }

    /** How long after a ping its pong may take; after that the socket counts as dead (a drop). */
    public Duration pongTimeout() {
        return pongTimeout;
    }

    /** Whether any inbound frame, not only a pong, proves the socket alive. */
    public boolean anyFrameIsLiveness() {
        return anyFrameIsLiveness;
    }

    /** How long the server may take to answer our close frame before the socket is dropped. */
    public Duration closeTimeout() {
        return closeTimeout;
    }

    /** Whether an invalid state transition throws (strict) rather than logging a warning and applying it. */
    public boolean strictTransitions() {
        return strictTransitions;
    }

    /** What {@code send} does while the session is not ready. */
    public OutboundBufferPolicy outboundBufferPolicy() {
        return outboundBufferPolicy;
    }

    /** The most bytes that may wait to be sent, queued offline or in the socket's buffer. */
    public long outboundBufferBytes() {
        return outboundBufferBytes;
    }

    /** The trust for {@code wss://} servers, or {@code null} for the JDK's default trust store. */
    public @Nullable TrustManagerFactory trustManagerFactory() {
        return trustManagerFactory;
    }

    /** The source of time for every delay and timeout. */
    public Clock clock() {
        return clock;
    }

    /** The source of backoff jitter. */
    public RandomGenerator random() {
        return random;
    }

    /** The event loops to run on, shared with others, or {@code null} for a loop the connection owns. */
    public @Nullable EventLoopGroup eventLoopGroup() {
        return eventLoopGroup;
    }

    /** The application protocol run on every session. */
    public SessionProtocol protocol() {
        return protocol;
    }

    /** The listeners given at build time, in order. */
    public List<ConnectionListener> listeners() {
        return listeners;
    }

    /** Builds a {@link ConnectionConfig}; every value is checked when it is set. */
    public static final class Builder {
        private @Nullable URI uri;
        private final Map<String, List<String>> headers = new LinkedHashMap<>();
        private final List<String> subprotocols = new ArrayList<>();
        private int maxFrameBytes = 1 << 20;
        private int maxMessageBytes = 1 << 20;
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration handshakeTimeout = Duration.ofSeconds(10);
        private Backoff connectBackoff = Backoff.connectDefault();
        private Backoff reconnectBackoff = Backoff.connectDefault();
        private Duration quickFailureWindow = Duration.ofSeconds(5);
        private int maxQuickFailures = 3;
        private Duration earlyDropWindow = Duration.ofSeconds(30);
        private Backoff earlyDropBackoff = Backoff.earlyDropDefault();
        private Duration earlyDropBudget = Duration.ofMinutes(5);
        private boolean reconnectAfterLateDrop = true;
        private Duration goingAwayJitter = Duration.ofSeconds(1);
        private Duration heartbeatInterval = Duration.ofSeconds(30);
        private Duration pongTimeout = Duration.ofSeconds(15);
        private boolean anyFrameIsLiveness;
        private Duration closeTimeout = Duration.ofSeconds(2);
        private boolean strictTransitions;
        private OutboundBufferPolicy outboundBufferPolicy = OutboundBufferPolicy.FAIL_FAST;
        private long outboundBufferBytes = 1 << 20;
        private @Nullable TrustManagerFactory trustManagerFactory;
        private Clock clock = Clock.system();
        private RandomGenerator random = new Random();
        private @Nullable EventLoopGroup eventLoopGroup;
        private SessionProtocol protocol = SessionProtocol.NONE;
        private final List<ConnectionListener> listeners = new ArrayList<>();

        private Builder() {}

        private Builder(ConnectionConfig c) {
            uri = c.uri;
            c.headers.forEach((name, values) -> headers.put(name, new ArrayList<>(values)));
            subprotocols.addAll(c.subprotocols);
            maxFrameBytes = c.maxFrameBytes;
            maxMessageBytes = c.maxMessageBytes;
            connectTimeout = c.connectTimeout;
            handshakeTimeout = c.handshakeTimeout;
            connectBackoff = c.connectBackoff;
            reconnectBackoff = c.reconnectBackoff;
            quickFailureWindow = c.quickFailureWindow;
            maxQuickFailures = c.maxQuickFailures;
            earlyDropWindow = c.earlyDropWindow;
            earlyDropBackoff = c.earlyDropBackoff;
            earlyDropBudget = c.earlyDropBudget;
            reconnectAfterLateDrop = c.reconnectAfterLateDrop;
            goingAwayJitter = c.goingAwayJitter;
            heartbeatInterval = c.heartbeatInterval;
            pongTimeout = c.pongTimeout;
            anyFrameIsLiveness = c.anyFrameIsLiveness;
            closeTimeout = c.closeTimeout;
            strictTransitions = c.strictTransitions;
            outboundBufferPolicy = c.outboundBufferPolicy;
            outboundBufferBytes = c.outboundBufferBytes;
            trustManagerFactory = c.trustManagerFactory;
            clock = c.clock;
            random = c.random;
            eventLoopGroup = c.eventLoopGroup;
            protocol = c.protocol;
            listeners.addAll(c.listeners);
        }

        /** The {@code ws://} or {@code wss://} URI to connect to. */
        public Builder uri(URI uri) {
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("ws") && !scheme.equals("wss")) {
                throw new IllegalArgumentException("uri: " + uri + " (expected: a ws:// or wss:// URI)");
            }
            if (uri.getHost() == null) {
                throw new IllegalArgumentException("uri: " + uri + " (expected: a host)");
            }
            this.uri = uri;
            return this;
        }

        /** {@link #uri(URI)} from a string. */
        public Builder uri(String uri) {
            return uri(URI.create(uri));
        }

        /** Adds a header to the upgrade request; call again to add more values. */
        public Builder header(String name, String value) {
            Objects.requireNonNull(value, "value");
            if (name.isBlank()) {
                throw new IllegalArgumentException("header name: '" + name + "' (expected: not blank)");
            }
            headers.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
            return this;
        }

        /** The subprotocols to offer, in order of preference (replaces earlier ones). */
        public Builder subprotocols(String... subprotocols) {
            this.subprotocols.clear();
            for (String s : subprotocols) {
                if (s.isBlank() || s.contains(",")) {
                    throw new IllegalArgumentException("subprotocol: '" + s + "' (expected: a token)");
                }
                this.subprotocols.add(s);
            }
            return this;
        }

        /** The largest frame payload accepted from the server. */
        public Builder maxFrameBytes(int maxFrameBytes) {
            this.maxFrameBytes = Checks.positive(maxFrameBytes, "maxFrameBytes");
            return this;
        }

        /** The largest message accepted from the server, continuation frames joined. */
        public Builder maxMessageBytes(int maxMessageBytes) {
            this.maxMessageBytes = Checks.positive(maxMessageBytes, "maxMessageBytes");
            return this;
        }

        /** How long one attempt may take to open the TCP connection. */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = Checks.positive(connectTimeout, "connectTimeout");
            return this;
        }

        /** How long one attempt may take from its start until the session is ready. */
        public Builder handshakeTimeout(Duration handshakeTimeout) {
            this.handshakeTimeout = Checks.positive(handshakeTimeout, "handshakeTimeout");
            return this;
        }

        /** The attempts and waits of {@code connect()}. */
        public Builder connectBackoff(Backoff connectBackoff) {
            this.connectBackoff = Objects.requireNonNull(connectBackoff, "connectBackoff");
            return this;
        }

        /** The attempts and waits of a reconnect after a drop. */
        public Builder reconnectBackoff(Backoff reconnectBackoff) {
            this.reconnectBackoff = Objects.requireNonNull(reconnectBackoff, "reconnectBackoff");
            return this;
        }

        /** A session that lived less than {@code window} before it dropped is a quick failure. */
        public Builder quickFailureWindow(Duration window) {
            this.quickFailureWindow = Checks.notNegative(window, "quickFailureWindow");
            return this;
        }

        /** How many quick failures in a row end the connection; 0 turns the check off. */
        public Builder maxQuickFailures(int maxQuickFailures) {
            if (maxQuickFailures < 0) {
                throw new IllegalArgumentException("maxQuickFailures: " + maxQuickFailures + " (expected: >= 0)");
            }
            this.maxQuickFailures = maxQuickFailures;
            return this;
        }

        /** A drop within {@code window} after ready is an early drop; {@link Duration#ZERO} turns it off. */
        public Builder earlyDropWindow(Duration window) {
            this.earlyDropWindow = Checks.notNegative(window, "earlyDropWindow");
            return this;
        }

        /** The waits before reconnecting after early drops; {@code maxAttempts} bounds the retries. */
        public Builder earlyDropBackoff(Backoff earlyDropBackoff) {
            this.earlyDropBackoff = Objects.requireNonNull(earlyDropBackoff, "earlyDropBackoff");
            return this;
        }

        /** How long after the first early drop of a streak early drops are still retried. */
        public Builder earlyDropBudget(Duration budget) {
            this.earlyDropBudget = Checks.notNegative(budget, "earlyDropBudget");
            return this;
        }

        /** Whether a drop after the early-drop window reconnects (true) or ends the connection (false). */
        public Builder reconnectAfterLateDrop(boolean reconnect) {
            this.reconnectAfterLateDrop = reconnect;
            return this;
        }

        /** The longest random wait before reconnecting after a 1001 or 1012 (see {@link #goingAwayJitter()}). */
        public Builder goingAwayJitter(Duration jitter) {
            this.goingAwayJitter = Checks.notNegative(jitter, "goingAwayJitter");
            return this;
        }

        /** How often a ready session pings; {@link Duration#ZERO} turns heartbeats off. */
        public Builder heartbeatInterval(Duration interval) {
            this.heartbeatInterval = Checks.notNegative(interval, "heartbeatInterval");
            return this;
        }

        /** How long a pong may take before the socket counts as dead. */
        public Builder pongTimeout(Duration pongTimeout) {
            this.pongTimeout = Checks.positive(pongTimeout, "pongTimeout");
            return this;
        }

        /** Whether any inbound frame, not only a pong, proves the socket alive. */
        public Builder anyFrameIsLiveness(boolean anyFrameIsLiveness) {
            this.anyFrameIsLiveness = anyFrameIsLiveness;
            return this;
        }

        /** How long the server may take to answer our close frame. */
        public Builder closeTimeout(Duration closeTimeout) {
            this.closeTimeout = Checks.positive(closeTimeout, "closeTimeout");
            return this;
        }

        /** Whether an invalid state transition throws instead of logging a warning. */
        public Builder strictTransitions(boolean strict) {
            this.strictTransitions = strict;
            return this;
        }

        /** What {@code send} does while the session is not ready. */
        public Builder outboundBufferPolicy(OutboundBufferPolicy policy) {
            this.outboundBufferPolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * The most bytes that may wait to be sent: a send that would pass it while others wait fails at once with
         * {@link SendRejectedException}. It bounds what waits, not one message: a message is taken, however large,
         * when nothing waits.
         */
        public Builder outboundBufferBytes(long bytes) {
            if (bytes <= 0) {
                throw new IllegalArgumentException("outboundBufferBytes: " + bytes + " (expected: > 0)");
            }
            this.outboundBufferBytes = bytes;
            return this;
        }

        /** Trusts {@code wss://} servers whose certificates chain to {@code trustManagerFactory}. */
        public Builder trustManagerFactory(TrustManagerFactory trustManagerFactory) {
            this.trustManagerFactory = Objects.requireNonNull(trustManagerFactory, "trustManagerFactory");
            return this;
        }

        /**
         * Trusts {@code wss://} servers whose certificates chain to an entry of {@code trustStore}.
         *
         * @throws IllegalArgumentException if the JDK cannot use the store
         */
        public Builder trustStore(KeyStore trustStore) {
            try {
                TrustManagerFactory factory =
                        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                factory.init(trustStore);
                return trustManagerFactory(factory);
            } catch (GeneralSecurityException e) {
                throw new IllegalArgumentException(
                        "trustStore: " + e.getMessage() + " (expected: a usable KeyStore)", e);
            }
        }

        /** The source of time for every delay and timeout; tests pass a {@code ManualClock}. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** The source of backoff jitter; tests pass a seeded generator. Used on one thread at a time. */
        public Builder random(RandomGenerator random) {
            this.random = Objects.requireNonNull(random, "random");
            return this;
        }

        /**
         * Runs the connection on {@code group} (one of its loops), e.g. to share threads with a server in the
         * same JVM. The connection never shuts a group it was given down. Without one, the connection creates a
         * one-thread group ({@code tether-client-io-N}, epoll when available) and shuts it down on
         * {@link ClientConnection#close()}.
         *
         * <p>The one Netty type in this API: sharing event loops cannot be said in JDK types.
         */
        public Builder eventLoopGroup(EventLoopGroup group) {
            this.eventLoopGroup = Objects.requireNonNull(group, "group");
            return this;
        }

        /** The application protocol run on every session. */
        public Builder protocol(SessionProtocol protocol) {
            this.protocol = Objects.requireNonNull(protocol, "protocol");
            return this;
        }

        /** Adds a listener; listeners are called in the order they were added. */
        public Builder listener(ConnectionListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * Returns the configuration.
         *
         * @throws IllegalStateException if no URI was set
         * @throws IllegalArgumentException if {@code maxFrameBytes} is larger than {@code maxMessageBytes}
         */
        public ConnectionConfig build() {
            URI target = uri;
            if (target == null) {
                throw new IllegalStateException("uri: null (expected: a ws:// or wss:// URI)");
            }
            if (maxFrameBytes > maxMessageBytes) {
                // A frame is part of a message: a larger frame limit could never be used, and says a mistake.
                throw new IllegalArgumentException(
                        "maxFrameBytes: " + maxFrameBytes + " (expected: <= maxMessageBytes " + maxMessageBytes + ")");
            }
            return new ConnectionConfig(this, target);
        }
    }
}
