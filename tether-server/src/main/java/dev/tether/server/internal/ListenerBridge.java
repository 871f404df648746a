package dev.tether.server.internal;

import dev.tether.server.CloseStatus;
import dev.tether.server.WebSocketListener;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * The protocol of a raw endpoint: each message goes to the application's {@link WebSocketListener} as it came, as a
 * {@code String} or a {@code byte[]}, where the endpoint wants its callbacks to run ({@link SessionInbox}).
 */
final class ListenerBridge implements ConnectionHandler {
    private final WsConnection connection;
    private final WebSocketListener listener;
    private final SessionInbox inbox;
    private final Consumer<Throwable> reportFailure;

    ListenerBridge(WsConnection connection, WebSocketListener listener, SessionInbox inbox) {
        this.connection = connection;
        this.listener = listener;
        this.inbox = inbox;
        this.reportFailure = error -> listener.onError(connection, error);
    }

    @Override
    public void opened() {
        inbox.control(() -> listener.onOpen(connection), false, reportFailure);
    }

    @Override
    public void message(ByteBuf content, boolean text) {
        // Copied out on the I/O thread, so the pooled buffer goes back at once whatever the listener does.
        Runnable callback;
        try {
            if (text) {
                String value = content.toString(StandardCharsets.UTF_8);
                callback = () -> listener.onText(connection, value);
            } else {
                byte[] value = ByteBufUtil.getBytes(content);
                callback = () -> listener.onBinary(connection, value);
            }
        } finally {
            content.release();
        }
        inbox.message(callback, reportFailure);
    }

    @Override
    public void writable() {
        // Raw listeners poll isWritable(); nothing to drive.
    }

    @Override
    public void failed(Throwable cause) {
        inbox.control(() -> listener.onError(connection, cause), false, error -> {});
    }

    @Override
    public void closed(CloseStatus status) {
        inbox.control(() -> listener.onClose(connection, status), true, error -> {});
        inbox.run(() -> connection.completeClosed(status));
    }
}
