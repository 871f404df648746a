package dev.tether.server;

import dev.tether.core.Packet;
import dev.tether.core.RpcResponse;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/** A session without a connection, for tests of predicates and binding; it keeps what is sent to it. */
final class FakeSession implements Session {
    private final UUID id = UUID.randomUUID();
    private final Map<String, Object> attributes = new ConcurrentHashMap<>();
    private final Queue<Object> sent = new ConcurrentLinkedQueue<>();
    private Identity identity = Identity.anonymous();

    FakeSession identity(Identity identity) {
        this.identity = identity;
        return this;
    }

    FakeSession with(String key, Object value) {
        attributes.put(key, value);
        return this;
    }

    /** The oldest RPC reply sent to this session and not taken yet. */
    RpcResponse takeReply() {
        Object next = sent.poll();
        if (!(next instanceof Packet packet) || packet.response() == null) {
            throw new AssertionError("expected an RPC reply, was sent " + next);
        }
        return packet.response();
    }

    @Override
    public UUID id() {
        return id;
    }

    @Override
    public ClientType clientType() {
        return ClientType.GENERIC;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return new InetSocketAddress("127.0.0.1", 40000);
    }

    @Override
    public Identity identity() {
        return identity;
    }

    @Override
    public SessionState state() {
        return SessionState.OPEN;
    }

    @Override
    public Map<String, Object> attributes() {
        return attributes;
    }

    @Override
    public boolean subscribe(String... names) {
        throw new UnsupportedOperationException("a predicate never subscribes");
    }

    @Override
    public boolean subscribe(java.util.Collection<String> names, SlowConsumerPolicy policy) {
        throw new UnsupportedOperationException("a predicate never subscribes");
    }

    @Override
    public boolean unsubscribe(String... names) {
        throw new UnsupportedOperationException("a predicate never unsubscribes");
    }

    @Override
    public java.util.Set<String> subscriptions() {
        return java.util.Set.of();
    }

    @Override
    public boolean send(Object data) {
        sent.add(data);
        return true;
    }

    @Override
    public long queuedBytes() {
        return 0;
    }

    @Override
    public boolean isWritable() {
        return true;
    }

    @Override
    public long droppedPackets() {
        return 0;
    }

    @Override
    public void close(int code, String reason) {}

    @Override
    public CompletionStage<CloseStatus> closeFuture() {
        return new CompletableFuture<>();
    }

    @Override
    public Packet recv(Duration timeout) {
        throw new UnsupportedOperationException();
    }
}
