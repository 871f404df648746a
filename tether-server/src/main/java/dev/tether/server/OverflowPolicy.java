package dev.tether.server;

/** What a raw {@link WebSocketSession} does with a message that would take its outbound queue past its bound. */
public enum OverflowPolicy {
    /**
     * The send returns {@code false}; the message is dropped and counted in
     * {@link WebSocketSession#droppedMessages()}, a line is logged (once until the queue drains), and the session
     * stays open. For senders that can skip a message or try again when {@link WebSocketSession#isWritable()}.
     */
    REFUSE,

    /**
     * The send returns {@code false}, everything queued is dropped and the session is closed with 1008 and the
     * reason {@code outbound queue full}: a client that cannot keep up is cut off rather than left behind.
     */
    CLOSE
}
