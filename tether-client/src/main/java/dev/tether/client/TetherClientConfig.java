package dev.tether.client;

import dev.tether.core.WireFormat;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Everything a {@link TetherClient} is made of: the {@link ConnectionConfig} of its resilient connection, the wire
 * format, and the bounds of its call, stream and receive bookkeeping. Immutable; make one with {@link #builder()},
 * copy one with {@link #toBuilder()}.
 *
 * <table>
 *   <caption>Defaults</caption>
 *   <tr><th>setting</th><th>default</th></tr>
 *   <tr><td>{@link #wireFormat()}</td><td>MSGPACK (offers {@code webshocket.v1}; JSON offers no subprotocol)</td></tr>
 *   <tr><td>{@link #callTimeout()}</td><td>30 s</td></tr>
 *   <tr><td>{@link #maxPendingCalls()}</td><td>1024 calls and streams waiting for their answer</td></tr>
 *   <tr><td>{@link #streamBufferItems()}</td><td>1024 items per stream not yet requested by its subscriber</td></tr>
 *   <tr><td>{@link #receiveQueuePackets()}</td><td>1024 packets waiting for {@code recv}</td></tr>
 *   <tr><td>{@link #joinMethod()}, {@link #leaveMethod()}</td><td>{@code join}, {@code leave}</td></tr>
 *   <tr><td>{@link #subscriptionBufferPackets()}</td><td>10,000 packets per subscription held while its
 *       subscribe is answered</td></tr>
 * </table>
 */
public final class TetherClientConfig {
    private final ConnectionConfig connection;
    private final WireFormat wireFormat;
    private final Duration callTimeout;
    private final int maxPendingCalls;
    private final int streamBufferItems;
    private final int receiveQueuePackets;
    private final String joinMethod;
    private final String leaveMethod;
    private final int subscriptionBufferPackets;

    private TetherClientConfig(Builder b, ConnectionConfig connection) {
        this.connection = connection;
        this.wireFormat = b.wireFormat;
        this.callTimeout = b.callTimeout;
        this.maxPendingCalls = b.maxPendingCalls;
        this.streamBufferItems = b.streamBufferItems;
        this.receiveQueuePackets = b.receiveQueuePackets;
        this.joinMethod = b.joinMethod;
        this.leaveMethod = b.leaveMethod;
        this.subscriptionBufferPackets = b.subscriptionBufferPackets;
    }

    /** A builder with the defaults above; {@link Builder#uri} or {@link Builder#connection} is required. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this configuration. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * The connection's settings as given: where to connect, backoff, timeouts, heartbeats, listeners. The client
     * sets the subprotocol and the session protocol itself.
     */
    public ConnectionConfig connection() {
        return connection;
    }

    /**
     * How packets are written: {@link WireFormat#MSGPACK} offers the {@code webshocket.v1} subprotocol and sends
     * BINARY frames, as the Python framework client does; {@link WireFormat#JSON} offers no subprotocol and sends
     * TEXT frames, as a generic client does. Inbound frames of either kind are decoded in the session's format.
     */
    public WireFormat wireFormat() {
        return wireFormat;
    }

    /** How long a call waits for its answer unless the {@link Call} says otherwise; streams wait for ever. */
    public Duration callTimeout() {
        return callTimeout;
    }

    /**
     * The most calls and streams that may wait for their answer at once. One more fails at once with
     * {@link RpcCallException} {@code too many pending calls}; nothing waiting is dropped.
     */
    public int maxPendingCalls() {
        return maxPendingCalls;
    }

    /**
     * The most items a stream holds for a subscriber that has not requested them. The server does not slow down
     * for a slow subscriber, so one more item cancels the stream (an {@code __abort__} goes to the server) and the
     * subscriber gets {@link RpcCallException} {@code stream buffer full}.
     */
    public int streamBufferItems() {
        return streamBufferItems;
    }

    /**
     * The most packets that wait for {@link TetherClient#recv} when no receive listener is registered. One more is
     * dropped (the newest), counted in {@link TetherClient#droppedPackets()} and logged.
     */
    public int receiveQueuePackets() {
        return receiveQueuePackets;
    }

    /**
     * The RPC method {@link TetherClient#join} calls with the channel name, and calls again for every joined
     * channel after a reconnect.
     */
    public String joinMethod() {
        return joinMethod;
    }

    /** The RPC method {@link TetherClient#leave} calls with the channel name. */
    public String leaveMethod() {
        return leaveMethod;
    }

    /**
     * The most packets a subscription of {@link TetherClient#subscribe} holds while one of its subscribes waits for
     * the answer (the first, a restore after a reconnect, a fetch after a gap); they are delivered after it, those at
     * or before the answer's position dropped. The default, 10,000, is what a Tether server holds for one recovering
     * subscription. One more is dropped (the newest) and logged: the next publication then shows the dropped ones as
     * a gap, which fetches them from the history when it still has them.
     */
    public int subscriptionBufferPackets() {
        return subscriptionBufferPackets;
    }

    /** Builds a {@link TetherClientConfig}; every value is checked when it is set. */
    public static final class Builder {
        private ConnectionConfig.@Nullable Builder connection;
        private WireFormat wireFormat = WireFormat.MSGPACK;
        private Duration callTimeout = Duration.ofSeconds(30);
        private int maxPendingCalls = 1024;
        private int streamBufferItems = 1024;
        private int receiveQueuePackets = 1024;
        private String joinMethod = "join";
        private String leaveMethod = "leave";
        private int subscriptionBufferPackets = 10_000;

        private Builder() {}

        private Builder(TetherClientConfig c) {
            connection = c.connection.toBuilder();
            wireFormat = c.wireFormat;
            callTimeout = c.callTimeout;
            maxPendingCalls = c.maxPendingCalls;
            streamBufferItems = c.streamBufferItems;
            receiveQueuePackets = c.receiveQueuePackets;
            joinMethod = c.joinMethod;
            leaveMethod = c.leaveMethod;
            subscriptionBufferPackets = c.subscriptionBufferPackets;
        }

        /** Connects to {@code uri} with the connection defaults (or keeps the other connection settings given). */
        public Builder uri(URI uri) {
            ConnectionConfig.Builder c = connection;
            connection = (c == null ? ConnectionConfig.builder() : c).uri(uri);
            return this;
        }

        /** {@link #uri(URI)} from a string. */
        public Builder uri(String uri) {
            return uri(URI.create(uri));
        }

        /**
         * The connection's settings (URI, backoff, timeouts, heartbeats, TLS, clock, listeners).
         *
         * @throws IllegalArgumentException if it has a session protocol or subprotocols of its own: the client
         *     brings both
         */
        public Builder connection(ConnectionConfig connection) {
            if (connection.protocol() != SessionProtocol.NONE) {
                throw new IllegalArgumentException(
                        "connection: has a session protocol (expected: none; the client brings webshocket.v1)");
            }
            if (!connection.subprotocols().isEmpty()) {
                throw new IllegalArgumentException("connection: subprotocols " + connection.subprotocols()
                        + " (expected: none; the wire format decides)");
            }
            this.connection = connection.toBuilder();
            return this;
        }

        /** How packets are written; see {@link TetherClientConfig#wireFormat()}. */
        public Builder wireFormat(WireFormat wireFormat) {
            this.wireFormat = Objects.requireNonNull(wireFormat, "wireFormat");
            return this;
        }

        /** How long a call waits for its answer by default. */
        public Builder callTimeout(Duration callTimeout) {
            Objects.requireNonNull(callTimeout, "callTimeout");
            if (callTimeout.isNegative() || callTimeout.isZero()) {
                throw new IllegalArgumentException("callTimeout: " + callTimeout + " (expected: > 0)");
            }
            this.callTimeout = callTimeout;
            return this;
        }

        /** The most calls and streams waiting at once. */
        public Builder maxPendingCalls(int maxPendingCalls) {
            this.maxPendingCalls = checkPositive(maxPendingCalls, "maxPendingCalls");
            return this;
        }

        /** The most unrequested items a stream holds. */
        public Builder streamBufferItems(int streamBufferItems) {
            this.streamBufferItems = checkPositive(streamBufferItems, "streamBufferItems");
            return this;
        }

        /** The most packets waiting for {@code recv}. */
        public Builder receiveQueuePackets(int receiveQueuePackets) {
            this.receiveQueuePackets = checkPositive(receiveQueuePackets, "receiveQueuePackets");
            return this;
        }

        /** The RPC method that joins a channel, called with its name. */
        public Builder joinMethod(String joinMethod) {
            this.joinMethod = checkMethod(joinMethod, "joinMethod");
            return this;
        }

        /** The RPC method that leaves a channel, called with its name. */
        public Builder leaveMethod(String leaveMethod) {
            this.leaveMethod = checkMethod(leaveMethod, "leaveMethod");
            return this;
        }

        /** The most packets a subscription holds while it waits for a subscribe's answer. */
        public Builder subscriptionBufferPackets(int subscriptionBufferPackets) {
            this.subscriptionBufferPackets = checkPositive(subscriptionBufferPackets, "subscriptionBufferPackets");
            return this;
        }

        /**
         * Returns the configuration.
         *
         * @throws IllegalStateException if neither a URI nor a connection was given
         */
        public TetherClientConfig build() {
            ConnectionConfig.Builder c = connection;
            if (c == null) {
                throw new IllegalStateException("uri: null (expected: a ws:// or wss:// URI)");
            }
            return new TetherClientConfig(this, c.build());
        }

        private static int checkPositive(int value, String name) {
            if (value <= 0) {
                throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
            }
            return value;
        }

        private static String checkMethod(String method, String name) {
            if (method.isBlank()) {
                throw new IllegalArgumentException(name + ": '" + method + "' (expected: a method name)");
            }
            return method;
        }
    }
}
