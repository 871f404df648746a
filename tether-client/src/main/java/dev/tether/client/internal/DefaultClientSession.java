package dev.tether.client.internal;

import dev.tether.client.ClientSession;
import dev.tether.core.Cancellable;
import dev.tether.core.CloseCodes;
import dev.tether.core.Durations;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import java.net.URI;
import java.time.Duration;
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

    // The close handshake.

    /** The server's close frame: answered, or, when we closed first, the end of the handshake. */
    void closeReceived(int code, @Nullable String reason) {
        if (retired || closeCode != -1) {
            return;
        }
        closeCode = code == -1 ? 1005 : code;
        closeReason = reason == null ? "" : reason;
        if (channel == null) {
            return;
        }
        if (closing) {
            channel.close(); // the answer to our close frame
        } else {
            CloseWebSocketFrame answer = code == -1 ? new CloseWebSocketFrame() : new CloseWebSocketFrame(code, "");
            channel.writeAndFlush(answer).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** The application disconnects: our close frame, and at most {@code closeTimeout} for the server's answer. */
    void sendClose(int code, String reason) {
        Channel socket = channel;
        if (closing || retired || socket == null) {
            return;
        }
        closing = true;
        socket.writeAndFlush(new CloseWebSocketFrame(code, reason));
        Duration timeout = connection.config().closeTimeout();
        closeTimer = connection.schedule(timeout, () -> {
            if (!retired) {
                log.warn(
                        "{}: the server did not answer our close frame within {}; dropping the socket",
                        uri(),
                        Durations.format(timeout));
                socket.close();
            }
        });
    }

    /** An error on the socket: a protocol violation by the server fails the connection with its code. */
    void failed(Throwable cause) {
        if (retired) {
            return;
        }
        if (dropCause == null) {
            dropCause = cause;
        }
        Channel socket = channel;
        if (socket == null) {
            return;
        }
        if (cause instanceof CorruptedWebSocketFrameException bad) {
            // A bad or oversized frame from the server (the decoder stopped decoding): fail with its code.
            log.warn(
                    "{}: {}; closing with {}",
                    uri(),
                    bad.getMessage(),
                    bad.closeStatus().code());
            failConnection(socket, bad.closeStatus().code(), bad.closeStatus().reasonText());
        } else if (cause instanceof TooLongFrameException) {
            log.warn("{}: {}; closing with 1009", uri(), cause.getMessage());
            failConnection(socket, CloseCodes.MESSAGE_TOO_BIG, "Message too big");
        } else {
            log.debug("{}: socket error", uri(), cause);
            socket.close();
        }
    }

    /**
     * Fails the connection (RFC 6455 7.1.7): the close frame goes out, our side of the socket is shut, and the rest
     * of what the server sends is read and dropped until it closes or the close timeout passes. Closing at once with
     * unread bytes would make the kernel reset the connection, which can destroy the close frame.
     */
    private void failConnection(Channel socket, int code, String reason) {
        if (closing) {
            socket.close();
            return;
        }
        closing = true;
        socket.writeAndFlush(new CloseWebSocketFrame(code, reason)).addListener(written -> {
            if (written.isSuccess() && socket instanceof DuplexChannel duplex) {
                duplex.shutdownOutput();
            } else {
                socket.close();
            }
        });
        closeTimer = connection.schedule(connection.config().closeTimeout(), socket::close);
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
