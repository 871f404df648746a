package dev.tether.cli;

import dev.tether.cluster.nats.NatsBroker;
import dev.tether.cluster.redis.RedisBroker;
import dev.tether.server.spi.ClusterBroker;
import java.net.URI;
import java.net.URISyntaxException;

/** The cluster broker a {@code --broker URI} option names: {@code redis://}, {@code rediss://} or {@code nats://}. */
final class Brokers {
    private Brokers() {}

    /**
     * A broker for {@code uri} whose keys and subjects start with {@code prefix}, not yet started.
     *
     * @throws IllegalArgumentException for a URI of another scheme, or one the broker refuses
     */
    static ClusterBroker open(String uri, String prefix) {
        String scheme;
        try {
            scheme = String.valueOf(new URI(uri).getScheme()).toLowerCase(java.util.Locale.ROOT);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(expected(uri), e);
        }
        return switch (scheme) {
            case "redis", "rediss" -> RedisBroker.builder(uri).prefix(prefix).build();
            case "nats", "tls" -> NatsBroker.builder(uri).prefix(prefix).build();
            default -> throw new IllegalArgumentException(expected(uri));
        };
    }

    private static String expected(String uri) {
        return "--broker: '" + uri + "' (expected: redis://HOST:PORT, rediss://HOST:PORT, nats://HOST:PORT or"
                + " tls://HOST:PORT)";
    }
}
