package dev.tether.cluster.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.core.ChannelPattern;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanIterator;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RedisGlobTest {

    @Test
    void literalsAndStarsTranslateAsTheyAre() {
        assertThat(RedisGlob.translate("news.*")).isEqualTo("news.*");
        assertThat(RedisGlob.translate("a*b*")).isEqualTo("a*b*");
    }

    @Test
    void redisMetacharactersOfAPrefixOrALiteralAreEscaped() {
        assertThat(RedisGlob.escape("t*[x]?\\")).isEqualTo("t\\*\\[x\\]\\?\\\\");
        assertThat(RedisGlob.translate("back\\slash.*")).isEqualTo("back\\\\slash.*");
    }

    @Test
    void asciiSetsTranslateExactly() {
        assertThat(RedisGlob.translate("room.[abc]")).isEqualTo("room.[abc]");
        assertThat(RedisGlob.translate("room.[a-c0-9]")).isEqualTo("room.[a-c0-9]");
        assertThat(RedisGlob.translate("[]x]")).isEqualTo("[\\]x]"); // ']' first belongs to the set
        assertThat(RedisGlob.translate("[+--]")).isEqualTo("[+,\\-]"); // a range of punctuation, spelled out
        assertThat(RedisGlob.translate("[^]")).isEqualTo("[\\^]"); // '^' is no negation in Tether
    }

    @Test
    void whatMayMatchAWideCharacterIsWidened() {
        assertThat(RedisGlob.translate("user.?")).isEqualTo("user.?*");
        assertThat(RedisGlob.translate("room.[!x]")).isEqualTo("room.[^x]*");
        assertThat(RedisGlob.translate("[äö]")).isEqualTo("?*");
    }

    @Test
    void anEmptyRangeMatchesNothing() {
        assertThat(RedisGlob.translate("a[z-a]")).isEqualTo("a[]");
    }

    @Test
    void anInvalidPatternIsRefusedAsTetherRefusesIt() {
        assertThatThrownBy(() -> RedisGlob.translate("news.[abc"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("closed by a ']'");
    }

    /** Whether the translation of {@code pattern} is exact rather than widened. */
    private static boolean exact(String pattern) {
        return !pattern.contains("?")
                && !pattern.contains("[!")
                && pattern.chars().allMatch(c -> c < 0x80);
    }

    /**
     * Redis itself matches, through SCAN MATCH, which uses the same glob as PSUBSCRIBE: every name a pattern matches
     * in Tether must match its translation in Redis, and with exact translations nothing else may.
     */
    @Test
    void redisMatchesEveryNameTetherMatches() {
        List<String> names = List.of(
                "a",
                "b",
                "x",
                "ä",
                "€",
                "😀",
                "ab",
                "a.b",
                "a.bc",
                "room.1",
                "room.x",
                "room.é",
                "room.😀",
                "back\\slash",
                "star*",
                "q?",
                "br[a]",
                "-",
                "]",
                "^",
                "\\");
        List<String> patterns = List.of(
                "?",
                "??",
                "a?",
                "room.?",
                "room.[!x]",
                "room.[0-9]",
                "room.[a-z]",
                "[abx]",
                "[!a]",
                "[äb]",
                "[!ä]",
                "room.*",
                "*",
                "back\\*",
                "[]a]",
                "[+--]",
                "[^]",
                "[!]]",
                "a[z-a]",
                "br[[]a]*");
        String prefix = "tether-glob-" + UUID.randomUUID() + ":";
        RedisClient client = RedisClient.create("redis://127.0.0.1:6379");
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            RedisCommands<String, String> redis = connection.sync();
            for (String name : names) {
                redis.set(prefix + name, "");
            }
            try {
                assertRedisMatchesWhatTetherMatches(redis, prefix, names, patterns);
            } finally {
                redis.unlink(names.stream().map(name -> prefix + name).toArray(String[]::new));
            }
        } finally {
            client.shutdown();
        }
    }

    private static void assertRedisMatchesWhatTetherMatches(
            RedisCommands<String, String> redis, String prefix, List<String> names, List<String> patterns) {
        for (String text : patterns) {
            ChannelPattern pattern = ChannelPattern.compile(text);
            String glob = RedisGlob.escape(prefix) + RedisGlob.translate(text);
            Set<String> matched = new HashSet<>();
            ScanIterator.scan(redis, ScanArgs.Builder.matches(glob).limit(1000))
                    .forEachRemaining(key -> matched.add(key.substring(prefix.length())));
            for (String name : names) {
                if (pattern.matches(name)) {
                    assertThat(matched)
                            .as("%s (as %s) in Redis matches %s", text, glob, name)
                            .contains(name);
                } else if (exact(text)) {
                    assertThat(matched)
                            .as("%s (as %s) in Redis matches %s", text, glob, name)
                            .doesNotContain(name);
                }
            }
        }
    }
}
