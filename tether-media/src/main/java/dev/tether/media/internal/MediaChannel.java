package dev.tether.media.internal;

import dev.tether.server.HttpRequest;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What a {@link MediaConnection} sends through and closes: a WebSocket session ({@link #of}), or another transport of
 * Tether's (the WebRTC module's peer connection). Public for those modules only; not an API.
 *
 * <p>Every method may be called from any thread and none blocks; {@link #executor()} is the single thread the
 * connection's state, callbacks and timers live on.
 */
public interface MediaChannel {

    UUID id();

    HttpRequest request();

    InetSocketAddress remoteAddress();

    Map<String, Object> attributes();

    boolean isOpen();

    /** Sends a serialized text message; {@code false} when it was not taken. */
    boolean sendText(String text);

    /** Sends a serialized binary message; {@code false} when it was not taken. */
    boolean sendBinary(byte[] data);

    /** Starts closing with a WebSocket close code and reason; the transport reports the end later. */
    void close(int code, String reason);

    ScheduledExecutorService executor();

    /** A WebSocket session as a media channel. */
    static MediaChannel of(dev.tether.server.WebSocketSession session) {
        return new MediaChannel() {
            @Override
            public UUID id() {
                return session.id();
            }

            @Override
            public HttpRequest request() {
                return session.request();
            }

            @Override
            public InetSocketAddress remoteAddress() {
                return session.remoteAddress();
            }

            @Override
            public Map<String, Object> attributes() {
                return session.attributes();
            }

            @Override
            public boolean isOpen() {
                return session.isOpen();
            }

            @Override
            public boolean sendText(String text) {
                return session.sendText(text);
            }

            @Override
            public boolean sendBinary(byte[] data) {
                return session.sendBinary(data);
            }

            @Override
            public void close(int code, String reason) {
                session.close(code, reason);
            }

            @Override
            public ScheduledExecutorService executor() {
                return session.executor();
            }
        };
    }
}
