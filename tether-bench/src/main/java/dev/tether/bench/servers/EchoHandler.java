package dev.tether.bench.servers;

import dev.tether.core.Packet;
import dev.tether.core.PacketSource;
import dev.tether.server.NonBlocking;
import dev.tether.server.Rpc;
import dev.tether.server.Session;
import dev.tether.server.TetherHandler;
import dev.tether.server.TetherServer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * The Tether side of the echo benchmark: every packet that is not RPC comes back as a {@code CUSTOM} packet with
 * the same data, sent from the session's I/O thread ({@link NonBlocking}), which is the work a raw echo server
 * does plus Tether's decode, dispatch and encode. {@code echo(value)}, {@code add(a, b)} and
 * {@code addOnWorker(a, b)} serve {@code tether bench rpc}; {@code publish(channel, data)} publishes for
 * {@code tether bench fanout},
 * whose subscribers use the built-in {@code subscribe} method ({@code clientSubscriptions}).
 */
@NonBlocking
public final class EchoHandler implements TetherHandler {
    private volatile @Nullable TetherServer server;

    /** Hands over the server that {@link #publish} publishes on; before it starts. */
    void serveOn(TetherServer server) {
        this.server = server;
    }

    @Override
    public void onPacket(Session session, Packet packet) {
        if (packet.source() != PacketSource.RPC) {
            session.send(Packet.custom(packet.data()));
        }
    }

    /** Declared {@link NonBlocking} itself, so it answers on the session's I/O thread. */
    @Rpc
    @NonBlocking
    public @Nullable Object echo(@Nullable Object value) {
        return value;
    }

    /** Declared {@link NonBlocking} itself, so it answers on the session's I/O thread. */
    @Rpc
    @NonBlocking
    public long add(long a, long b) {
        return a + b;
    }

    /** {@link #add} as a plain method, which runs on a worker thread: the hop there and back is what it measures. */
    @Rpc
    public long addOnWorker(long a, long b) {
        return a + b;
    }

    /**
     * Publishes {@code data} on {@code channel} and returns how many deliveries were queued. It returns a completed
     * stage so that, the class being {@link NonBlocking}, it runs on the publisher's I/O thread: one publisher's
     * publications then go out one after another in order, instead of up to {@code depth} of them at once on
     * worker threads that contend for the same cores.
     */
    @Rpc
    public CompletionStage<Integer> publish(String channel, @Nullable Object data) {
        TetherServer s = server;
        if (s == null) {
            throw new IllegalStateException("publish: no server (expected: one from EchoServers.tether)");
        }
        return CompletableFuture.completedFuture(s.publish(channel, data));
    }
}
