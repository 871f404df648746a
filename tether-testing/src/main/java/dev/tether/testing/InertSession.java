package dev.tether.testing;

import dev.tether.core.Packet;
import dev.tether.server.ClientType;
import dev.tether.server.CloseStatus;
import dev.tether.server.Identity;
import dev.tether.server.Session;
import dev.tether.server.SessionState;
import dev.tether.server.SlowConsumerPolicy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * A session without a connection, for calling a handler, a predicate or a dispatcher directly: it is open, has a
 * fresh id, a loopback address and working {@link #attributes()}, and refuses everything that would need a socket
 * ({@code send} and {@code subscribe} return {@code false}, {@code recv} throws), unless it was given somewhere
 * to send to.
 */
public final class InertSession implements Session {
    private final UUID id = UUID.randomUUID();
    private final Map<String, Object> attributes = new ConcurrentHashMap<>();
    private final InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), 40000);
    private final ClientType clientType;
    private final Predicate<@Nullable Object> send;

    /** A session of a generic (JSON) client. */
    public InertSession() {
        this(ClientType.GENERIC);
    }

    /** A session of a client of {@code clientType}. */
    public InertSession(ClientType clientType) {
        this(clientType, data -> false);
    }

    /**
     * A session of a client of {@code clientType} whose {@code send} hands the data to {@code send} and returns its
     * answer, e.g. to read the replies of calls made through the server's dispatcher.
     */
    public InertSession(ClientType clientType, Predicate<@Nullable Object> send) {
        this.clientType = clientType;
        this.send = send;
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
        return address;
    }

    @Override
    public Identity identity() {
        return Identity.anonymous();
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
    public boolean send(@Nullable Object data) {
        return send.test(data);
    }

    @Override
    public boolean subscribe(String... names) {
        return false;
    }

    @Override
    public boolean subscribe(Collection<String> names, SlowConsumerPolicy policy) {
        return false;
    }

    @Override
    public boolean unsubscribe(String... names) {
        return false;
    }

    @Override
    public Set<String> subscriptions() {
        return Set.of();
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
        throw new IllegalStateException("recv: an InertSession has no connection (expected: a session in pull mode)");
    }
}
