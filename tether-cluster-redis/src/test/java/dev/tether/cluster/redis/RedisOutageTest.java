package dev.tether.cluster.redis;

import static dev.tether.cluster.redis.RecordingInbound.PATIENCE;
import static dev.tether.cluster.redis.RecordingInbound.join;
import static dev.tether.cluster.redis.RecordingInbound.packet;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tether.core.StreamPosition;
import dev.tether.core.TetherException;
import dev.tether.server.spi.HistoryPolicy;
import io.lettuce.core.AclSetuserArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Redis dies (SIGKILL, losing everything) and comes back on the same port: the brokers reconnect by themselves,
 * their subscriptions come back, publications held meanwhile are sent, and history starts a new epoch.
 */
class RedisOutageTest {
    private static final HistoryPolicy HISTORY = HistoryPolicy.of(100, Duration.ofMinutes(5));
    /** Node a logs in as this user, which the restarted Redis lacks until b has resubscribed. */
    private static final String[] USER_A = {"--user", "a", "on", ">secret", "~*", "&*", "+@all"};

    private PrivateRedis redis;
    private RedisBroker a;
    private RedisBroker b;
    private final RecordingInbound toA = new RecordingInbound();
    private final RecordingInbound toB = new RecordingInbound();

    @BeforeEach
    void startRedisAndNodes() throws Exception {
        redis = PrivateRedis.start(USER_A);
        a = RedisBroker.builder(redis.uri("a", "secret"))
                .prefix("outage")
                .maxPendingPublications(3)
                .build();
        b = RedisBroker.builder(redis.uri()).prefix("outage").build();
        join(a.start(toA));
        join(b.start(toB));
    }

    @AfterEach
    void stop() throws Exception {
        join(a.close());
        join(b.close());
        redis.close();
    }

    @Test
    void brokersReconnectRestoreSubscriptionsAndSendWhatTheyHeld() throws Exception {
        join(a.interest("replies", true));
        join(b.interest("news", true));
        join(b.interest("prices.*", true));
        StreamPosition before = join(a.publish("chat", packet("chat", "kept"), HISTORY));
        join(a.publish("news", packet("news", "before")));
        assertThat(toB.next()).isEqualTo("news before");

        redis.kill();
        await().atMost(PATIENCE)
                .until(() -> !a.stats().connected() && !b.stats().connected());
        assertThat(a.isConnected()).isFalse(); // what GET /health/ready reads
        List<CompletionStage<Void>> held = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            held.add(a.publish("news", packet("news", "held " + i)));
        }
        CompletableFuture<Void> over = a.publish("news", packet("news", "over")).toCompletableFuture();
        assertThat(over).isCompletedExceptionally();
        assertThat(over.handle((ok, error) -> error)).isCompletedWithValueMatching(e -> e instanceof TetherException);
        assertThat(a.stats().pending()).isEqualTo(3);
        assertThat(a.stats().dropped()).isEqualTo(1);

        redis.restart(); // without user a: b is back first, so that nothing a held is sent before b listens
        await().atMost(PATIENCE).until(() -> subscribers("outage:ch:news") == 1 && patterns() == 1);
        try (Admin admin = new Admin(redis.uri())) {
            admin.redis.aclSetuser(
                    "a",
                    AclSetuserArgs.Builder.on()
                            .addPassword("secret")
                            .allKeys()
                            .allChannels()
                            .allCommands());
        }

        held.forEach(RecordingInbound::join);
        await().atMost(PATIENCE).until(() -> subscribers("outage:ch:replies") == 1);
        assertThat(toB.next()).isEqualTo("news held 1");
        assertThat(toB.next()).isEqualTo("news held 2");
        assertThat(toB.next()).isEqualTo("news held 3");
        join(a.publish("prices.EUR", packet("prices.EUR", 1.08)));
        assertThat(toB.next()).isEqualTo("prices.EUR 1.08"); // b's pattern subscription came back
        join(b.publish("replies", packet("replies", "hi a")));
        assertThat(toA.next()).isEqualTo("replies hi a"); // and a's exact one

        StreamPosition after = join(a.history("chat", HISTORY, before, 10)).latest();
        assertThat(after.offset()).isZero();
        assertThat(after.epoch()).isNotEqualTo(before.epoch()); // Redis lost the history: a new epoch
        assertThat(join(a.publish("chat", packet("chat", "new"), HISTORY))).isEqualTo(after.next());
        assertThat(toB.received).isEmpty();

        RedisBroker.Stats stats = a.stats();
        assertThat(stats.published()).isEqualTo(2 + 3 + 1 + 1);
        assertThat(stats.dropped()).isEqualTo(1);
        assertThat(stats.failed()).isZero();
        assertThat(stats.pending()).isZero();
        assertThat(stats.reconnects()).isEqualTo(1);
        assertThat(stats.connected()).isTrue();
        assertThat(b.stats().reconnects()).isEqualTo(1);
        assertThat(b.stats().received()).isEqualTo(1 + 3 + 1);
        assertThat(a.isConnected()).isTrue();

        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        assertThat(a.bindTo(registry)).hasSize(7);
        assertThat(registry.get("tether.broker.published")
                        .tag("broker", "redis")
                        .functionCounter()
                        .count())
                .isEqualTo(2 + 3 + 1 + 1);
        assertThat(registry.get("tether.broker.dropped").functionCounter().count())
                .isEqualTo(1);
        assertThat(registry.get("tether.broker.pending").gauge().value()).isZero();
    }

    private long subscribers(String channel) {
        try (Admin admin = new Admin(redis.uri())) {
            return admin.redis.pubsubNumsub(channel).getOrDefault(channel, 0L);
        }
    }

    private long patterns() {
        try (Admin admin = new Admin(redis.uri())) {
            return admin.redis.pubsubNumpat();
        }
    }

    /** A plain client for looking into the private Redis. */
    private static final class Admin implements AutoCloseable {
        final RedisClient client;
        final StatefulRedisConnection<String, String> connection;
        final RedisCommands<String, String> redis;

        Admin(String uri) {
            client = RedisClient.create(uri);
            connection = client.connect();
            redis = connection.sync();
        }

        @Override
        public void close() {
            connection.close();
            client.shutdown();
        }
    }
}
