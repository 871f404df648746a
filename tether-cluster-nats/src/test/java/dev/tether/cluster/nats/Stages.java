package dev.tether.cluster.nats;

import dev.tether.core.Packet;
import dev.tether.core.PacketCodecs;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/** Waiting for a broker's stages in tests, and the packets they publish. */
final class Stages {
    /** How long a test waits for something that must happen. */
    static final Duration PATIENCE = Duration.ofSeconds(10);

    private Stages() {}

    /** Waits for {@code stage}, failing the test if it fails or takes longer than {@link #PATIENCE}. */
    static <T> T join(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("the broker did not answer: " + e, e);
        }
    }

    /** A CHANNEL packet's MessagePack bytes, as the server hands them to a broker. */
    static byte[] packet(String channel, Object data) {
        return PacketCodecs.msgpack().encode(Packet.channel(channel, data));
    }
}
