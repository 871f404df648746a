package dev.tether.cluster.redis;

import static dev.tether.cluster.redis.RecordingInbound.PATIENCE;
import static dev.tether.cluster.redis.RecordingInbound.join;
import static dev.tether.cluster.redis.RecordingInbound.packet;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What the Redis broker does beyond the contract: pattern mapping, one delivery per message, bad input, stats. */
class RedisBrokerTest {
    private final List<String> prefixes = new ArrayList<>();
    private final List<RedisBroker> brokers = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        brokers.forEach(broker -> join(broker.close()));
        prefixes.forEach(prefix -> TestRedis.deleteKeys(TestRedis.URI, prefix));
    }

    private RecordingInbound node(String prefix, RedisBroker[] out) {
        RedisBroker broker = RedisBroker.builder(TestRedis.URI).prefix(prefix).build();
        brokers.add(broker);
        RecordingInbound inbound = new RecordingInbound();
        join(broker.start(inbound));
        out[0] = broker;
        return inbound;
    }

    private String prefix(String suffix) {
        String prefix = TestRedis.newPrefix() + suffix;
        prefixes.add(prefix);
        return prefix;
    }

    private static void publish(RedisBroker from, String channel, String data) {
        join(from.publish(channel, packet(channel, data)));
    }

    @Test
    void questionMarkMatchesOneCharacterEvenBeyondAscii() throws Exception {
        String prefix = prefix("");
        RedisBroker[] a = new RedisBroker[1];
        RedisBroker[] b = new RedisBroker[1];
        node(prefix, a);
        RecordingInbound toB = node(prefix, b);
        join(b[0].interest("user.?", true));
        join(b[0].interest("marker", true));

        publish(a[0], "user.12", "two characters");
        publish(a[0], "user.é", "one wide character");
        publish(a[0], "user.1", "one character");
        publish(a[0], "marker", "end");

        assertThat(toB.next()).isEqualTo("user.é one wide character");
        assertThat(toB.next()).isEqualTo("user.1 one character");
        assertThat(toB.next()).isEqualTo("marker end");
    }

    @Test
    void setsAndNegatedSetsMatchAsInTether() throws Exception {
        String prefix = prefix("");
        RedisBroker[] a = new RedisBroker[1];
        RedisBroker[] b = new RedisBroker[1];
        node(prefix, a);
        RecordingInbound toB = node(prefix, b);
        join(b[0].interest("room.[abc]", true));
        join(b[0].interest("desk.[!x]", true));
        join(b[0].interest("marker", true));

        for (String channel : List.of("room.a", "room.d", "room.c", "desk.x", "desk.y", "desk.ü", "desk.yy")) {
            publish(a[0], channel, "hi");
        }
        publish(a[0], "marker", "end");

        assertThat(List.of(toB.next(), toB.next(), toB.next(), toB.next(), toB.next()))
                .containsExactly("room.a hi", "room.c hi", "desk.y hi", "desk.ü hi", "marker end");
    }

    @Test
    void aPrefixWithGlobCharactersMatchesOnlyItsOwnCluster() throws Exception {
        String base = prefix("");
        String starred = prefix("*");
        prefixes.add(base + "x");
        RedisBroker[] a = new RedisBroker[1];
        RedisBroker[] b = new RedisBroker[1];
        RedisBroker[] other = new RedisBroker[1];
        node(starred, a);
        RecordingInbound toB = node(starred, b);
        node(base + "x", other); // base* as a Redis glob would match this cluster's channels
        join(b[0].interest("news.*", true));

        publish(other[0], "news.elsewhere", "not for b");
        publish(a[0], "news.here", "for b");

        assertThat(toB.next()).isEqualTo("news.here for b");
        assertThat(toB.received).isEmpty();
    }

    @Test
    void aNameWithABackslashIsMatchedLiterally() throws Exception {
        String prefix = prefix("");
        RedisBroker[] a = new RedisBroker[1];
        RedisBroker[] b = new RedisBroker[1];
        node(prefix, a);
        RecordingInbound toB = node(prefix, b);
        join(b[0].interest("dir\\*", true));
        join(b[0].interest("exact\\name", true));

        publish(a[0], "dir*", "not for b"); // a Tether pattern name is never published on, but Redis would match it
        publish(a[0], "dir\\file", "for b");
        publish(a[0], "exact\\name", "exact");

        assertThat(toB.next()).isEqualTo("dir\\file for b");
        assertThat(toB.next()).isEqualTo("exact\\name exact");
    }

    @Test
    void aPublicationMatchingSeveralSubscriptionsOfANodeArrivesOnce() throws Exception {
        String prefix = prefix("");
        RedisBroker[] a = new RedisBroker[1];
        RedisBroker[] b = new RedisBroker[1];
        node(prefix, a);
        RecordingInbound toB = node(prefix, b);
        join(b[0].interest("room.1", true));
        join(b[0].interest("room.*", true));
        join(b[0].interest("room.?", true));
        join(b[0].interest("marker", true));

        publish(a[0], "room.1", "once");
        publish(a[0], "marker", "end");

        assertThat(toB.next()).isEqualTo("room.1 once");
        assertThat(toB.next()).isEqualTo("marker end");
        assertThat(b[0].stats().received()).isEqualTo(2);
    }

    @Test
    void aMalformedMessageIsDroppedAndCountedAndLaterOnesStillArrive() throws Exception {
        String prefix = prefix("");
        RedisBroker[] a = new RedisBroker[1];
        RedisBroker[] b = new RedisBroker[1];
        node(prefix, a);
        RecordingInbound toB = node(prefix, b);
        join(b[0].interest("news", true));
        RedisClient client = RedisClient.create(TestRedis.URI);
        try (StatefulRedisConnection<String, String> raw = client.connect()) {
            raw.sync().publish(prefix + ":ch:news", "not an envelope");
            raw.sync().publish(prefix + ":ch:news", "\u0001\u0001 short");
        } finally {
            client.shutdown();
        }

        publish(a[0], "news", "fine");

        assertThat(toB.next()).isEqualTo("news fine");
        assertThat(b[0].stats().malformed()).isEqualTo(2);
    }

    @Test
    void statsCountWhatWasPublishedAndReceived() throws Exception {
        String prefix = prefix("");
        RedisBroker[] a = new RedisBroker[1];
        RedisBroker[] b = new RedisBroker[1];
        node(prefix, a);
        RecordingInbound toB = node(prefix, b);
        join(b[0].interest("news", true));

        publish(a[0], "news", "one");
        publish(a[0], "news", "two");
        toB.next();
        toB.next();

        await().atMost(PATIENCE)
                .untilAsserted(
                        () -> assertThat(a[0].stats()).isEqualTo(new RedisBroker.Stats(2, 0, 0, 0, 0, 0, 0, true)));
        assertThat(b[0].stats().received()).isEqualTo(2);
    }

    @Test
    void toStringNamesTheRedisButNotItsPassword() {
        RedisBroker broker = RedisBroker.builder("redis://:hunter2@127.0.0.1:6379/0")
                .prefix("p")
                .build();

        assertThat(broker.toString())
                .contains("127.0.0.1:6379")
                .contains("prefix=p")
                .doesNotContain("hunter2");
        join(broker.close());
    }

    @Test
    void settingsAreCheckedWhenSet() {
        assertThatThrownBy(() -> RedisBroker.builder("http://example.com"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("redisUri: http://example.com (expected: redis://host:port");
        RedisBroker.Builder builder = RedisBroker.builder(TestRedis.URI);
        assertThatThrownBy(() -> builder.prefix(""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("prefix: '' (expected: not empty)");
        assertThatThrownBy(() -> builder.maxPendingPublications(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxPendingPublications: 0 (expected: > 0)");
        assertThatThrownBy(() -> builder.commandTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("commandTimeout: PT0S (expected: > 0)");
    }

    @Test
    void aBrokerIsStartedOnce() {
        RedisBroker[] a = new RedisBroker[1];
        node(prefix(""), a);

        assertThatThrownBy(() -> join(a[0].start(new RecordingInbound()))).hasMessageContaining("already started");
        assertThat(a[0].toBuilder().build().prefix()).isEqualTo(a[0].prefix());
    }
}
