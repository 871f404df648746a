package dev.tether.client.internal;

import dev.tether.client.ClientSession;
import dev.tether.core.Cancellable;
import dev.tether.core.CloseCodes;
import io.netty.channel.Channel;
import java.net.URI;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One socket of a connection and its per-socket state. Every field is confined to the connection's event loop;
 * the pipeline handlers run there too, so they call in directly.
 */
final class DefaultClientSession implements ClientSession {
    private static final Logger log = LoggerFactory.getLogger(DefaultClientSession.class);
    private final DefaultClientConnection connection;
    private final long number;
    private final boolean reconnect;
    /** The establisher this socket is an attempt of; null once it became ready (or failed). */
    @Nullable
    Establisher attemptOf;

    @Nullable
    Channel channel;

    @Nullable
    String subprotocol;

    volatile boolean open;
    boolean upgraded;
    /** Set once: after this the socket's end has been handled and later events are ignored. */
    boolean retired;
    /** We sent a close frame (disconnect on purpose) and wait for the server's answer. */
    boolean closing;

    /** The close frame we send when the application disconnects on purpose. */
    int goodbyeCode = CloseCodes.NORMAL;

    String goodbyeReason = CloseCodes.CLIENT_CLOSING;

    int closeCode = -1;

    @Nullable
    String closeReason;

    @Nullable
    Throwable dropCause;

    /** Set while the session is ready. */
    @Nullable
    Heartbeat heartbeat;

    @Nullable
    Cancellable closeTimer;

    DefaultClientSession(DefaultClientConnection connection, long number, boolean reconnect, Establisher attemptOf) {
        this.connection = connection;
        this.number = number;
        this.reconnect = reconnect;
        this.attemptOf = attemptOf;
    }

    @Override
    public long number() {
        return number;
    }

    @Override
    public boolean isReconnect() {
        return reconnect;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public @Nullable String subprotocol() {
        return subprotocol;
    }

    @Override
    public URI uri() {
        return connection.uri();
    }

    @Override
    public CompletionStage<Void> sendText(String text) {
        return connection.sendOnSession(this, Outbound.text(text, false));
    }

    @Override
    public CompletionStage<Void> sendBinary(byte[] bytes) {
        return connection.sendOnSession(this, Outbound.binary(bytes, false));
    }

    /** Marks the socket as handled (once): its timers stop and the protocol hears that it is gone. */
    void retire() {
        if (retired) {
            return;
        }
        retired = true;
        open = false;
        if (heartbeat != null) {
            heartbeat.stop();
        }
        closeTimer = Timers.cancel(closeTimer);
        if (upgraded) {
            try {
                connection.config().protocol().onSessionClosed(this);
            } catch (RuntimeException e) {
                log.warn("{}: session protocol threw in onSessionClosed; ignored", connection.uri(), e);
            }
        }
    }

    void closeChannel() {
        if (channel != null) {
            channel.close();
        }
    }

    // Events from the pipeline, on the event loop.

    void upgradeFailed(Throwable cause) {
        if (attemptOf != null) {
            attemptOf.failed(this, cause);
        }
    }

    void upgraded(@Nullable String subprotocol) {
        this.subprotocol = subprotocol;
        this.upgraded = true;
        if (attemptOf != null) {
            attemptOf.upgraded(this);
        }
    }

    void inboundFrame() {
        connection.inboundFrame(this);
    }

    void textReceived(String text) {
        connection.textReceived(this, text);
    }

    void binaryReceived(byte[] bytes) {
        connection.binaryReceived(this, bytes);
    }

    void pongReceived() {
        connection.pongReceived(this);
    }

    void closeReceived(int code, @Nullable String reason) {
        connection.closeReceived(this, code, reason);
    }

    void failed(Throwable cause) {
        connection.socketFailed(this, cause);
    }

    void socketClosed() {
        if (attemptOf != null) {
            attemptOf.attemptClosed(this);
        } else {
            connection.socketClosed(this);
        }
    }

    @Override
    public String toString() {
        return "ClientSession(" + number + ", " + connection.uri() + (open ? ", open" : ", closed") + ")";
    }
}
