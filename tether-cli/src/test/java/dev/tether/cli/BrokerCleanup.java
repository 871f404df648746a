package dev.tether.cli;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;

/**
 * Removes what a test's cluster wrote under its prefix (Redis keys; NATS streams and key-value buckets), so that runs
 * on the shared Redis and NATS leave nothing.
 */
final class BrokerCleanup {
    private BrokerCleanup() {}

    static void remove(String uri, String prefix) throws Exception {
        if (uri.startsWith("nats")) {
            try (Connection nats = Nats.connect(uri)) {
                JetStreamManagement jsm = nats.jetStreamManagement();
                for (String name : jsm.getStreamNames()) {
                    if (name.startsWith(prefix + "_") || name.startsWith("KV_" + prefix + "_")) {
                        jsm.deleteStream(name);
                    }
                }
            }
        }
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
