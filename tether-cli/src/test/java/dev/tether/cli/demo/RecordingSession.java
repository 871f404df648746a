package dev.tether.cli.demo;

import dev.tether.core.Packet;
import dev.tether.server.ClientType;
import dev.tether.server.CloseStatus;
import dev.tether.server.Session;
import dev.tether.server.SessionState;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/** A session without a socket that records what the handler sends, for tests that call a handler directly. */
final class RecordingSession implements Session {
    private final UUID id = UUID.fromString("00000000-0000-4000-8000-000000000001");
    private final ClientType clientType;
    private final Map<String, Object> attributes = new ConcurrentHashMap<>();
    private final List<Packet> sent = new ArrayList<>();

    RecordingSession(ClientType clientType) {
        this.clientType = clientType;
    }

    /** The packets sent so far, in order. */
    List<Packet> sent() {
        return List.copyOf(sent);
    }

    /** The only packet sent so far. */
    Packet onlySent() {
        if (sent.size() != 1) {
            throw new AssertionError("expected exactly one packet sent, got " + sent);
        }
        return sent.get(0);
    }

    @Override
    public UUID id() {
        return id;
    }

    @Override
    public ClientType clientType() {
        return clientType;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), 40000);
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
    public boolean send(Object data) {
        sent.add(Packet.wrap(data));
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
    public void close(int code, String reason) {
        throw new UnsupportedOperationException("the demo handler never closes a session");
    }

    @Override
    public CompletionStage<CloseStatus> closeFuture() {
        return new CompletableFuture<>();
    }

    @Override
    public Packet recv(Duration timeout) {
        throw new IllegalStateException("a handler session does not receive");
    }
}
