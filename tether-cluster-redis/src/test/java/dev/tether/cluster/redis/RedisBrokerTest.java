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

    /** One node of a cluster: its broker and what it received. */
    private record Node(RedisBroker broker, RecordingInbound inbound) {}

    private Node a;
    private Node b;

    private Node node(String prefix) {
        RedisBroker broker = RedisBroker.builder(TestRedis.URI).prefix(prefix).build();
        brokers.add(broker);
        RecordingInbound inbound = new RecordingInbound();
        join(broker.start(inbound));
        return new Node(broker, inbound);
    }

    /** Nodes {@link #a} and {@link #b} of a new cluster. */
    private void twoNodes() {
        String prefix = prefix("");
        a = node(prefix);
        b = node(prefix);
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
        twoNodes();
        join(b.broker.interest("user.?", true));
        join(b.broker.interest("marker", true));

        publish(a.broker, "user.12", "two characters");
        publish(a.broker, "user.é", "one wide character");
        publish(a.broker, "user.1", "one character");
        publish(a.broker, "marker", "end");

        assertThat(b.inbound.next()).isEqualTo("user.é one wide character");
        assertThat(b.inbound.next()).isEqualTo("user.1 one character");
        assertThat(b.inbound.next()).isEqualTo("marker end");
    }

    @Test
    void setsAndNegatedSetsMatchAsInTether() throws Exception {
        twoNodes();
        join(b.broker.interest("room.[abc]", true));
        join(b.broker.interest("desk.[!x]", true));
        join(b.broker.interest("marker", true));

        for (String channel : List.of("room.a", "room.d", "room.c", "desk.x", "desk.y", "desk.ü", "desk.yy")) {
            publish(a.broker, channel, "hi");
        }
        publish(a.broker, "marker", "end");

        assertThat(List.of(b.inbound.next(), b.inbound.next(), b.inbound.next(), b.inbound.next(), b.inbound.next()))
                .containsExactly("room.a hi", "room.c hi", "desk.y hi", "desk.ü hi", "marker end");
    }

    @Test
    void aPrefixWithGlobCharactersMatchesOnlyItsOwnCluster() throws Exception {
        String base = prefix("");
        String starred = base + "*";
        prefixes.add(starred);
        prefixes.add(base + "x");
        a = node(starred);
        b = node(starred);
        Node other = node(base + "x"); // base* as a Redis glob would match this cluster's channels
        join(b.broker.interest("news.*", true));

        publish(other.broker, "news.elsewhere", "not for b");
        publish(a.broker, "news.here", "for b");

        assertThat(b.inbound.next()).isEqualTo("news.here for b");
        assertThat(b.inbound.received).isEmpty();
    }

    @Test
    void aNameWithABackslashIsMatchedLiterally() throws Exception {
        twoNodes();
        join(b.broker.interest("dir\\*", true));
        join(b.broker.interest("exact\\name", true));

        publish(a.broker, "dir*", "not for b"); // a Tether pattern name is never published on, but Redis would match it
        publish(a.broker, "dir\\file", "for b");
        publish(a.broker, "exact\\name", "exact");

        assertThat(b.inbound.next()).isEqualTo("dir\\file for b");
        assertThat(b.inbound.next()).isEqualTo("exact\\name exact");
    }

    @Test
    void aPublicationMatchingSeveralSubscriptionsOfANodeArrivesOnce() throws Exception {
        twoNodes();
        join(b.broker.interest("room.1", true));
        join(b.broker.interest("room.*", true));
        join(b.broker.interest("room.?", true));
        join(b.broker.interest("marker", true));

        publish(a.broker, "room.1", "once");
        publish(a.broker, "marker", "end");

        assertThat(b.inbound.next()).isEqualTo("room.1 once");
        assertThat(b.inbound.next()).isEqualTo("marker end");
        assertThat(b.broker.stats().received()).isEqualTo(2);
    }

    @Test
    void aMalformedMessageIsDroppedAndCountedAndLaterOnesStillArrive() throws Exception {
        twoNodes();
        join(b.broker.interest("news", true));
        RedisClient client = RedisClient.create(TestRedis.URI);
        try (StatefulRedisConnection<String, String> raw = client.connect()) {
            raw.sync().publish(b.broker.prefix() + ":ch:news", "not an envelope");
            raw.sync().publish(b.broker.prefix() + ":ch:news", "\u0001\u0001 short");
        } finally {
            client.shutdown();
        }

        publish(a.broker, "news", "fine");

        assertThat(b.inbound.next()).isEqualTo("news fine");
        assertThat(b.broker.stats().malformed()).isEqualTo(2);
    }

    @Test
    void statsCountWhatWasPublishedAndReceived() throws Exception {
        twoNodes();
        join(b.broker.interest("news", true));

        publish(a.broker, "news", "one");
        publish(a.broker, "news", "two");
        b.inbound.next();
        b.inbound.next();

        await().atMost(PATIENCE)
                .untilAsserted(
                        () -> assertThat(a.broker.stats()).isEqualTo(new RedisBroker.Stats(2, 0, 0, 0, 0, 0, 0, true)));
        assertThat(b.broker.stats().received()).isEqualTo(2);
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
        twoNodes();

        assertThatThrownBy(() -> join(a.broker.start(new RecordingInbound()))).hasMessageContaining("already started");
        assertThat(a.broker.toBuilder().build().prefix()).isEqualTo(a.broker.prefix());
    }
}
