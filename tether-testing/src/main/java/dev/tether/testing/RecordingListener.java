package dev.tether.testing;

import dev.tether.server.CloseStatus;
import dev.tether.server.WebSocketListener;
import dev.tether.server.WebSocketSession;
import dev.tether.testing.internal.EventQueue;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link WebSocketListener} for a raw endpoint that records every event, then calls a delegate, and checks the
 * listener contract: {@code onOpen} first, nothing after {@code onClose}, {@code onClose} once, callbacks of one
 * session never concurrent. Its {@code await} methods wait for the next event of a kind with a timeout.
 *
 * <pre>{@code
 * RecordingListener listener = RecordingListener.echoing();
 * TetherServer.builder().webSocket(WebSocketEndpoint.builder("/echo", listener).build());
 * ...
 * WebSocketSession session = listener.awaitOpen();
 * }</pre>
 */
public final class RecordingListener implements WebSocketListener {

    /** A message as a listener got it: text or binary. */
    public record Received(WebSocketSession session, boolean isText, byte[] data) {
        /** The message as text (UTF-8). */
        public String text() {
            return new String(data, StandardCharsets.UTF_8);
        }
    }

    /** How a session ended. */
    public record Closed(WebSocketSession session, CloseStatus status) {}

    private final WebSocketListener delegate;
    private final Duration timeout = RecordingHandler.DEFAULT_TIMEOUT;
    private final EventQueue<WebSocketSession> opens = new EventQueue<>("onOpen", 10_000);
    private final EventQueue<Received> messages = new EventQueue<>("onText/onBinary", 100_000);
    private final EventQueue<Throwable> errors = new EventQueue<>("onError", 10_000);
    private final EventQueue<Closed> closes = new EventQueue<>("onClose", 10_000);
    private final Map<UUID, Boolean> open = new ConcurrentHashMap<>();
    private final Map<UUID, Thread> running = new ConcurrentHashMap<>();
    private final List<String> violations = new CopyOnWriteArrayList<>();

    /** A listener that only records. */
    public RecordingListener() {
        this(new WebSocketListener() {});
    }

    /** A listener that records, then calls {@code delegate}. */
    public RecordingListener(WebSocketListener delegate) {
        this.delegate = delegate;
    }

    /** A listener that records and sends every message back as it came. */
    public static RecordingListener echoing() {
        return new RecordingListener(new WebSocketListener() {
            @Override
            public void onText(WebSocketSession session, String text) {
                session.sendText(text);
            }

            @Override
            public void onBinary(WebSocketSession session, byte[] data) {
                session.sendBinary(data);
            }
        });
    }

    @Override
    public void onOpen(WebSocketSession session) {
        enter(session, "onOpen");
        try {
            if (open.putIfAbsent(session.id(), true) != null) {
                violations.add("onOpen called twice for " + session.id());
            }
            opens.add(session);
            delegate.onOpen(session);
        } finally {
            exit(session);
        }
    }

    @Override
    public void onText(WebSocketSession session, String text) {
        message(session, new Received(session, true, text.getBytes(StandardCharsets.UTF_8)), "onText");
        delegate.onText(session, text);
    }

    @Override
    public void onBinary(WebSocketSession session, byte[] data) {
        message(session, new Received(session, false, data.clone()), "onBinary");
        delegate.onBinary(session, data);
    }

    private void message(WebSocketSession session, Received event, String callback) {
        enter(session, callback);
        try {
            if (!Boolean.TRUE.equals(open.get(session.id()))) {
                violations.add(callback + " called outside onOpen..onClose for " + session.id());
            }
            messages.add(event);
        } finally {
            exit(session);
        }
    }

    @Override
    public void onError(WebSocketSession session, Throwable error) {
        errors.add(error);
        delegate.onError(session, error);
    }

    @Override
    public void onClose(WebSocketSession session, CloseStatus status) {
        enter(session, "onClose");
        try {
            Boolean wasOpen = open.put(session.id(), false);
            if (wasOpen == null) {
                violations.add("onClose called before onOpen for " + session.id());
            } else if (!wasOpen) {
                violations.add("onClose called twice for " + session.id());
            }
            closes.add(new Closed(session, status));
            delegate.onClose(session, status);
        } finally {
            exit(session);
        }
    }

    private void enter(WebSocketSession session, String callback) {
        Thread other = running.putIfAbsent(session.id(), Thread.currentThread());
        if (other != null && other != Thread.currentThread()) {
            violations.add(callback + " ran concurrently with another callback of " + session.id());
        }
    }

    private void exit(WebSocketSession session) {
        running.remove(session.id(), Thread.currentThread());
    }

    /** Waits for the next opened session. */
    public WebSocketSession awaitOpen() {
        return opens.await(timeout);
    }

    /** Waits for the next message of any session. */
    public Received awaitMessage() {
        return messages.await(timeout);
    }

    /** Waits for the next error reported to {@code onError}. */
    public Throwable awaitError() {
        return errors.await(timeout);
    }

    /** Waits for the next closed session. */
    public Closed awaitClose() {
        return closes.await(timeout);
    }

    /** What broke the listener contract so far; empty when it was kept. */
    public List<String> contractViolations() {
        return List.copyOf(violations);
    }
}
