package dev.tether.cluster.nats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.PacketCodecs;
import dev.tether.core.StreamPosition;
import dev.tether.server.spi.ClusterBroker;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/** Queues the publications a broker hands the server (not its presence events); {@link #next()} waits. */
final class RecordingInbound implements ClusterBroker.Inbound {

    /** A publication received: its channel, its packet's data, and its position if it has one. */
    record Received(
            String channel, @Nullable Object data, @Nullable StreamPosition position) {}

    final BlockingQueue<Received> received = new LinkedBlockingQueue<>();

    @Override
    public void deliver(String channel, byte[] packet) {
        record(channel, packet, null);
    }

    @Override
    public void deliver(String channel, byte[] packet, StreamPosition position, boolean own) {
        if (!own) { // a node's own positioned publications come back for its subscribers; tests count others'
            record(channel, packet, position);
        }
    }

    private void record(String channel, byte[] packet, @Nullable StreamPosition position) {
        received.add(new Received(channel, data(packet), position));
    }

    Received next() throws InterruptedException {
        Received next = received.poll(Stages.PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(next).as("a publication within " + Stages.PATIENCE).isNotNull();
        return next;
    }

    static @Nullable Object data(byte[] packet) {
        return PacketCodecs.msgpack().decode(packet).data();
    }
}
