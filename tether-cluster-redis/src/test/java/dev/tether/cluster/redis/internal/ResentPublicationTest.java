package dev.tether.cluster.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Lettuce sends a command again after a reconnect when its reply was lost, though it ran: the history script must
 * not append and publish such a publication twice, and must answer with the position its first run got.
 */
class ResentPublicationTest {
    private final String prefix = "tether-test-" + UUID.randomUUID();
    private final Keys keys = new Keys(prefix);
    private final RedisClient client = RedisClient.create("redis://127.0.0.1:6379");
    private final StatefulRedisConnection<byte[], byte[]> connection = client.connect(ByteArrayCodec.INSTANCE);
    private final RedisCommands<byte[], byte[]> redis = connection.sync();

    @AfterEach
    void removeKeys() {
        ScanCursor cursor = ScanCursor.INITIAL;
        do {
            KeyScanCursor<byte[]> page = redis.scan(cursor, ScanArgs.Builder.matches(prefix + ":*"));
            if (!page.getKeys().isEmpty()) {
                redis.unlink(page.getKeys().toArray(byte[][]::new));
            }
            cursor = page;
        } while (!cursor.isFinished());
        connection.close();
        client.shutdown();
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private List<Object> publish(long node, long sequence, String packet, int size) {
        byte[][] scriptKeys = {keys.meta("c"), keys.history("c"), keys.lastSequence("c", node)};
        return redis.eval(
                Scripts.PUBLISH_WITH_HISTORY.body,
                ScriptOutputType.MULTI,
                scriptKeys,
                keys.channel("c"),
                Envelope.positionedHead(node, sequence),
                utf8(packet),
                utf8("e1"),
                utf8(String.valueOf(size)),
                utf8("60000"),
                utf8("600000"),
                utf8(Long.toHexString(node)),
                utf8(String.valueOf(sequence)));
    }

    @Test
    void aResentPublicationIsAnsweredWithItsFirstPositionAndNotAppendedAgain() {
        assertThat(publish(7, 1, "a", 10)).containsExactly(1L, utf8("e1"));
        assertThat(publish(7, 2, "b", 10)).containsExactly(2L, utf8("e1"));
        assertThat(publish(8, 1, "x", 10)).containsExactly(3L, utf8("e1")); // another node's sequence is its own

        assertThat(publish(7, 1, "a", 10)).containsExactly(1L, utf8("e1"));
        assertThat(publish(7, 2, "b", 10)).containsExactly(2L, utf8("e1"));
        assertThat(publish(7, 3, "c", 10)).containsExactly(4L, utf8("e1"));

        assertThat(redis.xlen(keys.history("c"))).isEqualTo(4);
    }

    @Test
    void aResentPublicationNoLongerKeptIsAnError() {
        publish(7, 1, "a", 1);
        publish(7, 2, "b", 1); // the history keeps one: the first is gone

        assertThatThrownBy(() -> publish(7, 1, "a", 1)).hasMessageContaining("TETHER_RESENT");
        assertThat(redis.xlen(keys.history("c"))).isEqualTo(1);
    }
}
