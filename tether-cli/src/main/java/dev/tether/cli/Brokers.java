package dev.tether.cli;

import dev.tether.cluster.redis.RedisBroker;
import dev.tether.server.spi.ClusterBroker;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
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
            default -> throw new IllegalArgumentException(expected(uri));
        };
    }

    /**
     * Removes what brokers on {@code uri} with {@code prefix} wrote, and nothing else: on Redis every key that
     * starts with {@code prefix:}, found with SCAN and removed with UNLINK. Brokers of other schemes are left as they
     * are. Blocks until done; for a prefix no other cluster uses, once its nodes have closed.
     *
     * @throws IllegalArgumentException for a prefix of other than letters, digits, '-' and '_' (a SCAN pattern
     *     would read the others as wildcards)
     */
    static void removeKeys(String uri, String prefix) {
        if (!prefix.matches("[A-Za-z0-9_-]+")) {
            throw new IllegalArgumentException("prefix: '" + prefix + "' (expected: letters, digits, '-' and '_')");
        }
        String scheme = scheme(uri);
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

    private static String scheme(String uri) {
        try {
            return String.valueOf(new URI(uri).getScheme()).toLowerCase(Locale.ROOT);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(expected(uri), e);
        }
    }

    private static String expected(String uri) {
        return "--broker: '" + uri + "' (expected: redis://HOST:PORT, rediss://HOST:PORT or nats://HOST:PORT)";
    }
}
