package dev.tether.bench;

import dev.tether.core.Packet;
import dev.tether.server.ClientType;
import dev.tether.server.CloseStatus;
import dev.tether.server.Session;
import dev.tether.server.SessionState;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/** A session without a connection: the dispatch benchmark needs a caller, not a socket. */
final class BenchSession implements Session {
    private final UUID id = UUID.randomUUID();
    private final Map<String, Object> attributes = new ConcurrentHashMap<>();
    private final InetSocketAddress address = new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 40000);

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
        return address;
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
        throw new UnsupportedOperationException("not part of the dispatch benchmark");
    }

    @Override
    public boolean subscribe(java.util.Collection<String> names, dev.tether.server.SlowConsumerPolicy policy) {
        throw new UnsupportedOperationException("not part of the dispatch benchmark");
    }

    @Override
    public boolean unsubscribe(String... names) {
        throw new UnsupportedOperationException("not part of the dispatch benchmark");
    }

    @Override
    public java.util.Set<String> subscriptions() {
        return java.util.Set.of();
    }

    @Override
    public boolean send(Object data) {
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
        throw new UnsupportedOperationException("recv: a benchmark session has no socket");
    }
}
