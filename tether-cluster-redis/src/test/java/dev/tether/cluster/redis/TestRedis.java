package dev.tether.cluster.redis;

import dev.tether.cluster.redis.internal.Keys;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.UUID;

/** The Redis the tests share (scripts/ensure-services.sh redis starts it), and cleaning up after a test. */
final class TestRedis {
    static final String URI = "redis://127.0.0.1:6379";

    private TestRedis() {}

    /** A prefix no other test run uses. */
    static String newPrefix() {
        return "tether-test-" + UUID.randomUUID();
    }

    /** Deletes every key of the cluster with {@code prefix}; returns how many there were. */
    static long deleteKeys(String uri, String prefix) {
        RedisClient client = RedisClient.create(uri);
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            RedisCommands<String, String> redis = connection.sync();
            ScanArgs match =
                    ScanArgs.Builder.matches(new Keys(prefix).everything()).limit(1000);
            long deleted = 0;
            ScanCursor cursor = ScanCursor.INITIAL;
            do {
                KeyScanCursor<String> page = redis.scan(cursor, match);
                if (!page.getKeys().isEmpty()) {
                    deleted += redis.unlink(page.getKeys().toArray(String[]::new));
                }
                cursor = page;
            } while (!cursor.isFinished());
            return deleted;
        } catch (RedisConnectionException e) {
            throw new AssertionError("no Redis at " + uri + " (scripts/ensure-services.sh redis starts one)", e);
        } finally {
            client.shutdown();
        }
    }
}
