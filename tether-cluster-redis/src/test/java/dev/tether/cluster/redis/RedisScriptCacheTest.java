package dev.tether.cluster.redis;

import static dev.tether.cluster.redis.RecordingInbound.join;
import static dev.tether.cluster.redis.RecordingInbound.packet;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.StreamPosition;
import dev.tether.server.spi.HistoryPolicy;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A Redis that lost its scripts (SCRIPT FLUSH, on a private Redis since it is global) gets them again. */
class RedisScriptCacheTest {

    @Test
    void aFlushedScriptCacheIsRefilledAndTheNextPublicationGetsTheNextOffset() throws Exception {
        try (PrivateRedis redis = PrivateRedis.start()) {
            RedisBroker a = RedisBroker.builder(redis.uri()).build();
            RedisBroker b = RedisBroker.builder(redis.uri()).build();
            join(a.start(new RecordingInbound()));
            join(b.start(new RecordingInbound()));
            HistoryPolicy policy = HistoryPolicy.of(10, Duration.ofMinutes(1));
            StreamPosition first = join(a.publish("chat", packet("chat", "one"), policy));
            StreamPosition second = join(a.publish("chat", packet("chat", "two"), policy)); // by SHA-1 now
            RedisClient client = RedisClient.create(redis.uri());
            try (StatefulRedisConnection<String, String> raw = client.connect()) {
                raw.sync().scriptFlush();
            } finally {
                client.shutdown();
            }

            StreamPosition third = join(a.publish("chat", packet("chat", "three"), policy));

            assertThat(second).isEqualTo(first.next());
            assertThat(third).isEqualTo(second.next());
            assertThat(join(b.history("chat", policy, second, 10)).publications())
                    .extracting(entry -> RecordingInbound.data(entry.packet()))
                    .containsExactly("three");
            assertThat(a.stats().failed()).isZero();
            join(a.close());
            join(b.close());
        }
    }
}
