package dev.tether.cli;

import dev.tether.cluster.nats.NatsBroker;
import dev.tether.cluster.redis.RedisBroker;
import dev.tether.server.spi.ClusterBroker;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/** The cluster broker a {@code --broker URI} option names: {@code redis://}, {@code rediss://} or {@code nats://}. */
final class Brokers {
    private Brokers() {}

    /**
     * A broker for {@code uri} whose keys and subjects start with {@code prefix}, not yet started.
     *
     * @throws IllegalArgumentException for a URI of another scheme, or one the broker refuses
     */
    static ClusterBroker open(String uri, String prefix) {
        return switch (scheme(uri)) {
            case "redis", "rediss" -> RedisBroker.builder(uri).prefix(prefix).build();
            case "nats", "tls" -> NatsBroker.builder(uri).prefix(prefix).build();
            default -> throw new IllegalArgumentException(expected(uri));
        };
    }

    /**
     * Removes what brokers on {@code uri} with {@code prefix} wrote, and nothing else: on Redis every key that
     * starts with {@code prefix:}, found with SCAN and removed with UNLINK; on NATS the JetStream streams and
     * key-value buckets named {@code prefix_…}. Blocks until done; for a prefix no other cluster uses, once its nodes
     * have closed.
     *
     * @throws IllegalArgumentException for a prefix of other than letters, digits, '-' and '_' (a SCAN pattern
     *     would read the others as wildcards)
     */
    static void removeKeys(String uri, String prefix) {
        if (!prefix.matches("[A-Za-z0-9_-]+")) {
            throw new IllegalArgumentException("prefix: '" + prefix + "' (expected: letters, digits, '-' and '_')");
        }
        String scheme = scheme(uri);
        if (scheme.equals("nats") || scheme.equals("tls")) {
            removeStreams(uri, prefix);
            return;
        }
        if (!scheme.equals("redis") && !scheme.equals("rediss")) {
            return;
        }
        RedisClient client = RedisClient.create(uri);
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            ScanCursor cursor = ScanCursor.INITIAL;
            do {
                KeyScanCursor<String> page = connection
                        .sync()
                        .scan(cursor, ScanArgs.Builder.matches(prefix + ":*").limit(500));
                if (!page.getKeys().isEmpty()) {
                    connection.sync().unlink(page.getKeys().toArray(String[]::new));
                }
                cursor = page;
            } while (!cursor.isFinished());
        } finally {
            client.shutdown();
        }
    }

    /** Deletes the JetStream streams and key-value buckets of a NATS cluster with {@code prefix}. */
    private static void removeStreams(String uri, String prefix) {
        try (Connection nats = Nats.connect(uri)) {
            JetStreamManagement streams = nats.jetStreamManagement();
            for (String name : streams.getStreamNames()) {
                if (name.startsWith(prefix + "_") || name.startsWith("KV_" + prefix + "_")) {
                    streams.deleteStream(name);
                }
            }
        } catch (IOException | JetStreamApiException e) {
            throw new UncheckedIOException(new IOException("cannot remove the streams of '" + prefix + "': " + e, e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String scheme(String uri) {
        try {
            return String.valueOf(new URI(uri).getScheme()).toLowerCase(Locale.ROOT);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(expected(uri), e);
        }
    }

    private static String expected(String uri) {
        return "--broker: '" + uri + "' (expected: redis://HOST:PORT, rediss://HOST:PORT, nats://HOST:PORT or"
                + " tls://HOST:PORT)";
    }
}
