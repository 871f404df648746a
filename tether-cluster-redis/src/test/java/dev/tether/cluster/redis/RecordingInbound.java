package dev.tether.cluster.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.Packet;
import dev.tether.core.PacketCodecs;
import dev.tether.core.StreamPosition;
import dev.tether.server.spi.ClusterBroker;
import dev.tether.server.spi.PresenceEntry;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Records what a broker hands its server as {@code "channel data"} or {@code "channel data @position"} lines. */
final class RecordingInbound implements ClusterBroker.Inbound {
    static final Duration PATIENCE = Duration.ofSeconds(20);

    final BlockingQueue<String> received = new LinkedBlockingQueue<>();

    @Override
    public void deliver(String channel, byte[] packet) {
        received.add(channel + " " + data(packet));
    }

    @Override
    public void deliver(String channel, byte[] packet, StreamPosition position, boolean own) {
        received.add(channel + " " + data(packet) + " @" + position + (own ? " own" : ""));
    }

    @Override
    public void presence(String channel, PresenceEntry entry, boolean joined) {
        received.add(channel + (joined ? " +" : " -") + entry.session());
    }

    /** The next line, waiting for it at most {@link #PATIENCE}. */
    String next() throws InterruptedException {
        String next = received.poll(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(next).as("a message within " + PATIENCE).isNotNull();
        return next;
    }

    static byte[] packet(String channel, Object data) {
        return PacketCodecs.msgpack().encode(Packet.channel(channel, data));
    }

    static Object data(byte[] packet) {
        return String.valueOf(PacketCodecs.msgpack().decode(packet).data());
    }

    static <T> T join(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("the broker did not answer: " + e, e);
        }
    }
}
