package dev.tether.cli;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;

/** Removes what a test's cluster wrote under its prefix, so that runs on the shared Redis and NATS leave nothing. */
final class BrokerCleanup {
    private BrokerCleanup() {}

    static void remove(String uri, String prefix) {
        if (uri.startsWith("redis")) {
            RedisClient client = RedisClient.create(uri);
            try (StatefulRedisConnection<String, String> connection = client.connect()) {
                ScanCursor cursor = ScanCursor.INITIAL;
                do {
                    KeyScanCursor<String> page = connection
                            .sync()
                            .scan(cursor, ScanArgs.Builder.matches(prefix + "*").limit(500));
                    if (!page.getKeys().isEmpty()) {
                        connection.sync().unlink(page.getKeys().toArray(String[]::new));
                    }
                    cursor = page;
                } while (!cursor.isFinished());
            } finally {
                client.shutdown();
            }
        }
    }
}
