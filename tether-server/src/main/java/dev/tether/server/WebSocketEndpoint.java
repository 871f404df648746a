package dev.tether.server;

import dev.tether.core.Checks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A raw WebSocket endpoint: a path on the server's port whose connections carry plain text and binary messages to a
 * {@link WebSocketListener}, with their own limits. Several endpoints share the port with the webshocket endpoint
 * ({@link ServerConfig#path()}), HTTP endpoints and static files; a path belongs to one of them.
 *
 * <pre>{@code
 * TetherServer server = TetherServer.builder()
 *         .webSocket(WebSocketEndpoint.builder("/echo", new EchoListener())
 *                 .maxMessageBytes(16 << 20)
 *                 .build())
 *         .build()
 *         .start();
 * }</pre>
 *
 * <p>Immutable; made with {@link #builder}, copied with {@link #toBuilder()}. {@code docs/endpoints.md} describes
 * each setting.
 */
public final class WebSocketEndpoint {
    private final String path;
    private final WebSocketListener listener;
    private final List<String> subprotocols;
    private final Set<String> allowedOrigins;
    private final int maxFrameBytes;
    private final int maxMessageBytes;
    private final long maxQueuedBytes;
    private final OverflowPolicy overflowPolicy;
    private final Duration pingInterval;
    private final Duration idleTimeout;
    private final boolean perMessageDeflate;
    private final boolean blockingListener;
    private final int maxInboundQueuedMessages;

    private WebSocketEndpoint(Builder b) {
        path = b.path;
        listener = b.listener;
        subprotocols = List.copyOf(b.subprotocols);
        allowedOrigins = Set.copyOf(b.allowedOrigins);
        maxFrameBytes = b.maxFrameBytes;
        maxMessageBytes = b.maxMessageBytes;
        maxQueuedBytes = b.maxQueuedBytes;
        overflowPolicy = b.overflowPolicy;
        pingInterval = b.pingInterval;
        idleTimeout = b.idleTimeout;
        perMessageDeflate = b.perMessageDeflate;
        blockingListener = b.blockingListener;
        maxInboundQueuedMessages = b.maxInboundQueuedMessages;
        if (maxFrameBytes > maxMessageBytes) {
            throw new IllegalArgumentException(
                    "maxFrameBytes: " + maxFrameBytes + " (expected: <= maxMessageBytes " + maxMessageBytes + ")");
        }
    }

    /** A builder for an endpoint at {@code path} (starting with {@code /}) whose events go to {@code listener}. */
    public static Builder builder(String path, WebSocketListener listener) {
        return new Builder(path, listener);
    }

    /** A builder holding these settings. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** The path of the upgrade request, without query. */
    public String path() {
        return path;
    }

    /** Who receives the events of every connection. */
    public WebSocketListener listener() {
        return listener;
    }

    /**
     * The subprotocols this endpoint speaks, in order of preference; the first one the client offers is agreed.
     * Empty (the default): none is agreed, whatever the client offers. A client that offers only others is still
     * accepted, with none (RFC 6455 4.2.2 leaves the choice to the client).
     */
    public List<String> subprotocols() {
        return subprotocols;
    }

    /** The {@code Origin} values accepted (others get 403); empty (the default) accepts any, and requests without one. */
    public Set<String> allowedOrigins() {
        return allowedOrigins;
    }

    /** The largest frame payload accepted (default 4 MiB); a larger frame closes the connection with 1009. */
    public int maxFrameBytes() {
        return maxFrameBytes;
    }

    /** The largest message accepted, all its fragments together (default 4 MiB); larger closes with 1009. */
    public int maxMessageBytes() {
        return maxMessageBytes;
    }

    /**
     * The most bytes that may wait for one slow client (default 4 MiB): queued sends plus Netty's outbound
     * buffer. It limits what waits, not one message: a message is taken whenever nothing is queued.
     */
    public long maxQueuedBytes() {
        return maxQueuedBytes;
    }

    /** What a send that does not fit in {@link #maxQueuedBytes()} does (default {@link OverflowPolicy#REFUSE}). */
    public OverflowPolicy overflowPolicy() {
        return overflowPolicy;
    }

    /** How long a connection may be silent before the server pings it (default 30 s); zero turns pings off. */
    public Duration pingInterval() {
        return pingInterval;
    }

    /** How long a connection may be silent before it is closed with 1011 (default 60 s); zero never closes. */
    public Duration idleTimeout() {
        return idleTimeout;
    }

    /** Whether permessage-deflate (RFC 7692) is agreed when the client offers it (default {@code false}). */
    public boolean perMessageDeflate() {
        return perMessageDeflate;
    }

    /**
     * Whether the listener may block (default {@code false}): its callbacks then run on a worker thread, in order
     * per connection, instead of on the connection's I/O thread.
     */
    public boolean blockingListener() {
        return blockingListener;
    }

    /**
     * With a blocking listener, how many messages of one connection may wait for it (default 256) before the server
     * stops reading from that connection, which pushes back on the client through TCP.
     */
    public int maxInboundQueuedMessages() {
        return maxInboundQueuedMessages;
    }

    @Override
    public String toString() {
        return "WebSocketEndpoint{" + path + ", " + listener.getClass().getName() + "}";
    }

    /** Collects an endpoint's settings. Not thread-safe. */
    public static final class Builder {
        private final String path;
        private final WebSocketListener listener;
        private List<String> subprotocols = new ArrayList<>();
        private Set<String> allowedOrigins = new LinkedHashSet<>();
        private int maxFrameBytes = 4 << 20;
        private int maxMessageBytes = 4 << 20;
        private long maxQueuedBytes = 4 << 20;
        private OverflowPolicy overflowPolicy = OverflowPolicy.REFUSE;
        private Duration pingInterval = Duration.ofSeconds(30);
        private Duration idleTimeout = Duration.ofSeconds(60);
        private boolean perMessageDeflate;
        private boolean blockingListener;
        private int maxInboundQueuedMessages = 256;

        private Builder(String path, WebSocketListener listener) {
            Checks.notEmpty(path, "path");
            if (!path.startsWith("/")) {
                throw new IllegalArgumentException("path: '" + path + "' (expected: starting with /)");
            }
            this.path = path;
            this.listener = Objects.requireNonNull(listener, "listener");
        }

        private Builder(WebSocketEndpoint e) {
            this(e.path, e.listener);
            subprotocols = new ArrayList<>(e.subprotocols);
            allowedOrigins = new LinkedHashSet<>(e.allowedOrigins);
            maxFrameBytes = e.maxFrameBytes;
            maxMessageBytes = e.maxMessageBytes;
            maxQueuedBytes = e.maxQueuedBytes;
            overflowPolicy = e.overflowPolicy;
            pingInterval = e.pingInterval;
            idleTimeout = e.idleTimeout;
            perMessageDeflate = e.perMessageDeflate;
            blockingListener = e.blockingListener;
            maxInboundQueuedMessages = e.maxInboundQueuedMessages;
        }

        /** See {@link WebSocketEndpoint#subprotocols()}. */
        public Builder subprotocols(String... names) {
            List<String> list = new ArrayList<>();
            for (String name : names) {
                list.add(Checks.notEmpty(name, "subprotocols"));
            }
            subprotocols = list;
            return this;
        }

        /** See {@link WebSocketEndpoint#allowedOrigins()}. */
        public Builder allowedOrigins(Collection<String> origins) {
            allowedOrigins = new LinkedHashSet<>(origins);
            return this;
        }

        /** See {@link WebSocketEndpoint#maxFrameBytes()}. */
        public Builder maxFrameBytes(int maxFrameBytes) {
            this.maxFrameBytes = Checks.positive(maxFrameBytes, "maxFrameBytes");
            return this;
        }

        /** See {@link WebSocketEndpoint#maxMessageBytes()}. */
        public Builder maxMessageBytes(int maxMessageBytes) {
            this.maxMessageBytes = Checks.positive(maxMessageBytes, "maxMessageBytes");
            return this;
        }

        /** See {@link WebSocketEndpoint#maxQueuedBytes()}. */
        public Builder maxQueuedBytes(long maxQueuedBytes) {
            if (maxQueuedBytes <= 0) {
                throw new IllegalArgumentException("maxQueuedBytes: " + maxQueuedBytes + " (expected: > 0)");
            }
            this.maxQueuedBytes = maxQueuedBytes;
            return this;
        }

        /** See {@link WebSocketEndpoint#overflowPolicy()}. */
        public Builder overflowPolicy(OverflowPolicy overflowPolicy) {
            this.overflowPolicy = Objects.requireNonNull(overflowPolicy, "overflowPolicy");
            return this;
        }

        /** See {@link WebSocketEndpoint#pingInterval()}. */
        public Builder pingInterval(Duration pingInterval) {
            this.pingInterval = Checks.notNegative(pingInterval, "pingInterval");
            return this;
        }

        /** See {@link WebSocketEndpoint#idleTimeout()}. */
        public Builder idleTimeout(Duration idleTimeout) {
            this.idleTimeout = Checks.notNegative(idleTimeout, "idleTimeout");
            return this;
        }

        /** See {@link WebSocketEndpoint#perMessageDeflate()}. */
        public Builder perMessageDeflate(boolean perMessageDeflate) {
            this.perMessageDeflate = perMessageDeflate;
            return this;
        }

        /** See {@link WebSocketEndpoint#blockingListener()}. */
        public Builder blockingListener(boolean blockingListener) {
            this.blockingListener = blockingListener;
            return this;
        }

        /** See {@link WebSocketEndpoint#maxInboundQueuedMessages()}. */
        public Builder maxInboundQueuedMessages(int maxInboundQueuedMessages) {
            this.maxInboundQueuedMessages = Checks.positive(maxInboundQueuedMessages, "maxInboundQueuedMessages");
            return this;
        }

        /**
         * The endpoint.
         *
         * @throws IllegalArgumentException if {@code maxFrameBytes > maxMessageBytes}
         */
        public WebSocketEndpoint build() {
            return new WebSocketEndpoint(this);
        }
    }
}
