package dev.tether.server;

import static dev.tether.server.EndpointSettings.*;

import dev.tether.core.Checks;
import dev.tether.core.Setting;
import dev.tether.core.SettingValues;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

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
 * <p>Immutable; made with {@link #builder}, copied with {@link #toBuilder()}. Each setting is declared in
 * {@link EndpointSettings} with its default and allowed values; {@code docs/endpoints.md} lists them.
 */
public final class WebSocketEndpoint {
    private final String path;
    private final WebSocketListener listener;
    private final SettingValues values;

    private WebSocketEndpoint(String path, WebSocketListener listener, SettingValues values) {
        this.path = path;
        this.listener = listener;
        this.values = values;
    }

    /** A builder for an endpoint at {@code path} (starting with {@code /}) whose events go to {@code listener}. */
    public static Builder builder(String path, WebSocketListener listener) {
        Checks.notEmpty(path, "path");
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("path: '" + path + "' (expected: starting with /)");
        }
        return new Builder(path, Objects.requireNonNull(listener, "listener"), ALL.defaults());
    }

    /** A builder holding these settings. */
    public Builder toBuilder() {
        return new Builder(path, listener, values.toBuilder());
    }

    /** The path of the upgrade request, without query. */
    public String path() {
        return path;
    }

    /** Who receives the events of every connection. */
    public WebSocketListener listener() {
        return listener;
    }

    /** The value of {@code setting}, one of {@link EndpointSettings}. */
    public <T> T get(Setting<T> setting) {
        return values.get(setting);
    }

    /** See {@link EndpointSettings#SUBPROTOCOLS}. */
    public List<String> subprotocols() {
        return values.get(SUBPROTOCOLS);
    }

    /** See {@link EndpointSettings#ALLOWED_ORIGINS}. */
    public Set<String> allowedOrigins() {
        return values.get(ALLOWED_ORIGINS);
    }

    /** See {@link EndpointSettings#ORIGIN_REQUIRED}. */
    public boolean originRequired() {
        return values.get(ORIGIN_REQUIRED);
    }

    /** See {@link EndpointSettings#PREFIX}. */
    public boolean prefix() {
        return values.get(PREFIX);
    }

    /** See {@link EndpointSettings#CLOSE_TIMEOUT}; {@code null} means the server's. */
    public @Nullable Duration closeTimeout() {
        return values.get(CLOSE_TIMEOUT);
    }

    /** See {@link EndpointSettings#AUTHENTICATOR}; {@code null} means the server's. */
    public @Nullable Authenticator authenticator() {
        return values.get(AUTHENTICATOR);
    }

    /** See {@link EndpointSettings#MAX_INBOUND_MESSAGES_PER_SECOND}. */
    public int maxInboundMessagesPerSecond() {
        return values.get(MAX_INBOUND_MESSAGES_PER_SECOND);
    }

    /** See {@link EndpointSettings#MAX_INBOUND_BYTES_PER_SECOND}. */
    public long maxInboundBytesPerSecond() {
        return values.get(MAX_INBOUND_BYTES_PER_SECOND);
    }

    /** See {@link EndpointSettings#INBOUND_RATE_ACTION}. */
    public InboundRateAction inboundRateAction() {
        return values.get(INBOUND_RATE_ACTION);
    }

    /** See {@link EndpointSettings#MAX_FRAME_BYTES}. */
    public int maxFrameBytes() {
        return values.get(MAX_FRAME_BYTES);
    }

    /** See {@link EndpointSettings#MAX_MESSAGE_BYTES}. */
    public int maxMessageBytes() {
        return values.get(MAX_MESSAGE_BYTES);
    }

    /** See {@link EndpointSettings#MAX_QUEUED_BYTES}. */
    public long maxQueuedBytes() {
        return values.get(MAX_QUEUED_BYTES);
    }

    /** See {@link EndpointSettings#OVERFLOW_POLICY}. */
    public OverflowPolicy overflowPolicy() {
        return values.get(OVERFLOW_POLICY);
    }

    /** See {@link EndpointSettings#PING_INTERVAL}. */
    public Duration pingInterval() {
        return values.get(PING_INTERVAL);
    }

    /** See {@link EndpointSettings#IDLE_TIMEOUT}. */
    public Duration idleTimeout() {
        return values.get(IDLE_TIMEOUT);
    }

    /** See {@link EndpointSettings#PER_MESSAGE_DEFLATE}. */
    public boolean perMessageDeflate() {
        return values.get(PER_MESSAGE_DEFLATE);
    }

    /** See {@link EndpointSettings#BLOCKING_LISTENER}. */
    public boolean blockingListener() {
        return values.get(BLOCKING_LISTENER);
    }

    /** See {@link EndpointSettings#MAX_INBOUND_QUEUED_MESSAGES}. */
    public int maxInboundQueuedMessages() {
        return values.get(MAX_INBOUND_QUEUED_MESSAGES);
    }

    @Override
    public String toString() {
        return "WebSocketEndpoint{" + path + ", " + listener.getClass().getName() + ", " + values + "}";
    }

    /** Collects an endpoint's settings; each is checked when set. Not thread-safe. */
    public static final class Builder {
        private final String path;
        private final WebSocketListener listener;
        private final SettingValues.Builder values;

        private Builder(String path, WebSocketListener listener, SettingValues.Builder values) {
            this.path = path;
            this.listener = listener;
            this.values = values;
        }

        /** Sets any of {@link EndpointSettings}, checked against its declaration. */
        public <T> Builder set(Setting<T> setting, @Nullable T value) {
            values.set(setting, value);
            return this;
        }

        /** See {@link EndpointSettings#SUBPROTOCOLS}. */
        public Builder subprotocols(String... names) {
            return set(SUBPROTOCOLS, List.of(names));
        }

        /** See {@link EndpointSettings#ALLOWED_ORIGINS}. */
        public Builder allowedOrigins(Collection<String> origins) {
            return set(ALLOWED_ORIGINS, Set.copyOf(origins));
        }

        /** See {@link EndpointSettings#ORIGIN_REQUIRED}. */
        public Builder originRequired(boolean originRequired) {
            return set(ORIGIN_REQUIRED, originRequired);
        }

        /** See {@link EndpointSettings#PREFIX}. */
        public Builder prefix(boolean prefix) {
            return set(PREFIX, prefix);
        }

        /** See {@link EndpointSettings#CLOSE_TIMEOUT}; {@code null} means the server's. */
        public Builder closeTimeout(@Nullable Duration closeTimeout) {
            return set(CLOSE_TIMEOUT, closeTimeout);
        }

        /** See {@link EndpointSettings#AUTHENTICATOR}; {@code null} (the default) means the server's. */
        public Builder authenticator(@Nullable Authenticator authenticator) {
            return set(AUTHENTICATOR, authenticator);
        }

        /**
         * Bounds what one connection may send per second: {@code messagesPerSecond} messages and
         * {@code bytesPerSecond} bytes (0: no limit); past either, {@code action}. Default: no limits.
         */
        public Builder inboundRate(int messagesPerSecond, long bytesPerSecond, InboundRateAction action) {
            return set(MAX_INBOUND_MESSAGES_PER_SECOND, messagesPerSecond)
                    .set(MAX_INBOUND_BYTES_PER_SECOND, bytesPerSecond)
                    .set(INBOUND_RATE_ACTION, action);
        }

        /** See {@link EndpointSettings#MAX_FRAME_BYTES}. */
        public Builder maxFrameBytes(int maxFrameBytes) {
            return set(MAX_FRAME_BYTES, maxFrameBytes);
        }

        /** See {@link EndpointSettings#MAX_MESSAGE_BYTES}. */
        public Builder maxMessageBytes(int maxMessageBytes) {
            return set(MAX_MESSAGE_BYTES, maxMessageBytes);
        }

        /** See {@link EndpointSettings#MAX_QUEUED_BYTES}. */
        public Builder maxQueuedBytes(long maxQueuedBytes) {
            return set(MAX_QUEUED_BYTES, maxQueuedBytes);
        }

        /** See {@link EndpointSettings#OVERFLOW_POLICY}. */
        public Builder overflowPolicy(OverflowPolicy overflowPolicy) {
            return set(OVERFLOW_POLICY, overflowPolicy);
        }

        /** See {@link EndpointSettings#PING_INTERVAL}. */
        public Builder pingInterval(Duration pingInterval) {
            return set(PING_INTERVAL, pingInterval);
        }

        /** See {@link EndpointSettings#IDLE_TIMEOUT}. */
        public Builder idleTimeout(Duration idleTimeout) {
            return set(IDLE_TIMEOUT, idleTimeout);
        }

        /** See {@link EndpointSettings#PER_MESSAGE_DEFLATE}. */
        public Builder perMessageDeflate(boolean perMessageDeflate) {
            return set(PER_MESSAGE_DEFLATE, perMessageDeflate);
        }

        /** See {@link EndpointSettings#BLOCKING_LISTENER}. */
        public Builder blockingListener(boolean blockingListener) {
            return set(BLOCKING_LISTENER, blockingListener);
        }

        /** See {@link EndpointSettings#MAX_INBOUND_QUEUED_MESSAGES}. */
        public Builder maxInboundQueuedMessages(int maxInboundQueuedMessages) {
            return set(MAX_INBOUND_QUEUED_MESSAGES, maxInboundQueuedMessages);
        }

        /**
         * The endpoint.
         *
         * @throws IllegalArgumentException if the settings break a rule between them ({@code maxFrameBytes <=
         *     maxMessageBytes}), naming both
         */
        public WebSocketEndpoint build() {
            return new WebSocketEndpoint(path, listener, values.build());
        }
    }
}
