package dev.tether.cluster.nats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.PacketCodecs;
import dev.tether.core.StreamPosition;
import dev.tether.server.spi.ClusterBroker;
import dev.tether.server.spi.PresenceEntry;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/** Queues what a broker hands the server; {@link #next()} waits for the next publication. */
final class RecordingInbound implements ClusterBroker.Inbound {
    static final Duration PATIENCE = Duration.ofSeconds(10);

    /** A publication received: its channel, its packet's data, and its position if it has one. */
    record Received(
            String channel, @Nullable Object data, @Nullable StreamPosition position) {}

    final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    final BlockingQueue<String> presence = new LinkedBlockingQueue<>();

    @Override
    public void deliver(String channel, byte[] packet) {
        received.add(new Received(channel, data(packet), null));
    }

    @Override
    public void deliver(String channel, byte[] packet, StreamPosition position) {
        received.add(new Received(channel, data(packet), position));
    }

    @Override
    public void presence(String channel, PresenceEntry entry, boolean joined) {
        presence.add(channel + (joined ? " +" : " -") + entry.session());
    }

    Received next() throws InterruptedException {
        Received next = received.poll(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(next).as("a publication within " + PATIENCE).isNotNull();
        return next;
    }

    static @Nullable Object data(byte[] packet) {
        return PacketCodecs.msgpack().decode(packet).data();
    }
}
