package dev.tether.client.internal;

import dev.tether.client.ClientSession;
import dev.tether.core.Cancellable;
import dev.tether.core.CloseCodes;
import io.netty.channel.Channel;
import java.net.URI;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * One socket of a connection and its per-socket state. Every field is confined to the connection's event loop;
 * the pipeline handlers run there too, so they call in directly.
 */
final class DefaultClientSession implements ClientSession {
    private final DefaultClientConnection connection;
    private final long number;
    private final boolean reconnect;
    /** The establishment this socket is an attempt of; null once it became ready (or failed). */
    @Nullable
    Establishment attemptOf;

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
    Cancellable connectTimer;

    @Nullable
    Cancellable handshakeTimer;

    @Nullable
    Cancellable closeTimer;

    DefaultClientSession(DefaultClientConnection connection, long number, boolean reconnect, Establishment attemptOf) {
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

    void cancelTimers() {
        connectTimer = Timers.cancel(connectTimer);
        handshakeTimer = Timers.cancel(handshakeTimer);
        if (heartbeat != null) {
            heartbeat.stop();
        }
        closeTimer = Timers.cancel(closeTimer);
    }

    // Events from the pipeline, on the event loop.

    void upgradeFailed(Throwable cause) {
        connection.attemptFailed(this, cause);
    }

    void upgraded(@Nullable String subprotocol) {
        this.subprotocol = subprotocol;
        this.upgraded = true;
        connection.upgraded(this);
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
        connection.socketClosed(this);
    }

    @Override
    public String toString() {
        return "ClientSession(" + number + ", " + connection.uri() + (open ? ", open" : ", closed") + ")";
    }
}
