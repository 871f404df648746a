package dev.tether.server.spi;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Collection;

/**
 * A part mounted on a server that has meters of its own: the {@link dev.tether.server.WebSocketListener} of a
 * {@link dev.tether.server.WebSocketEndpoint}, an {@link dev.tether.server.HttpEndpoint}, or a resource given to
 * {@code TetherServer.Builder.closeWith} that implements this. tether-media's endpoints and tether-webrtc's
 * {@code WebRtcSignaling} do. (Not Micrometer's {@code MeterBinder}: its {@code bindTo} returns nothing the server
 * could remove.)
 *
 * <p>When a server with a registry ({@code meterRegistry}, or the one {@code metricsEndpoint} makes) starts, it calls
 * {@link #bindTo} once for each such part, before it accepts connections, with the registry its own meters are in:
 * the part's meters are then on {@code GET /metrics} with the server's. A server without a registry never calls it,
 * so the part counts nothing (it should hold its meters in a field that stays {@code null}: one null check where it
 * would count). When the server closes it removes the meters of the returned collection from the registry.
 */
@FunctionalInterface
public interface MeterSource {
    /**
     * Registers this part's meters in {@code registry}; called once, on the thread that starts the server. Returns
     * the meters registered: a collection the server reads when it closes, so a part may add to it the meters it
     * registers later (a tag value on its first occurrence), as long as the collection is safe to read from another
     * thread.
     */
    Collection<Meter> bindTo(MeterRegistry registry);
}
