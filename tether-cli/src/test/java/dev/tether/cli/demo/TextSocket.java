package dev.tether.cli.demo;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A generic WebSocket client for tests, on the JDK's {@link WebSocket}: it sends text and records every text
 * message it receives; {@link #next()} waits for the next one with a timeout.
 */
final class TextSocket implements WebSocket.Listener, AutoCloseable {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    private final StringBuilder partial = new StringBuilder();
    private final WebSocket socket;

    private TextSocket(URI uri) throws Exception {
        socket = HttpClient.newHttpClient()
                .newWebSocketBuilder()
                .connectTimeout(TIMEOUT)
                .buildAsync(uri, this)
                .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    /** Connects to the server on {@code port} of loopback as a generic client (no subprotocol). */
    static TextSocket connect(int port) throws Exception {
        return connect(port, "/");
    }

    /** Connects to {@code path} of the server on {@code port} of loopback. */
    static TextSocket connect(int port, String path) throws Exception {
        return new TextSocket(URI.create("ws://127.0.0.1:" + port + path));
    }

    void send(String text) throws Exception {
        socket.sendText(text, true).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    /** The next text message, waiting up to 10 s. */
    String next() throws InterruptedException {
        String message = received.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        if (message == null) {
            throw new AssertionError("no message within " + TIMEOUT);
        }
        return message;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            received.add(partial.toString());
            partial.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    /** Sends a close frame (1000) and drops the connection without waiting for the server's answer. */
    @Override
    public void close() throws Exception {
        try {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } finally {
            socket.abort();
        }
    }
}
