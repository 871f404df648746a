package dev.tether.cluster.nats.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.cluster.nats.internal.Subjects.Route;
import dev.tether.core.ChannelPattern;
import dev.tether.server.spi.HistoryPolicy;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SubjectsTest {
    private final Subjects subjects = new Subjects("t1");

    @Test
    void plainNamesKeepTheirTokens() {
        assertThat(subjects.channel("news")).isEqualTo("t1.ch.news");
        assertThat(subjects.channel("prices.fx.EUR-USD")).isEqualTo("t1.ch.prices.fx.EUR-USD");
        assertThat(subjects.channel("user:42/inbox@eu=1+2_x")).isEqualTo("t1.ch.user:42/inbox@eu=1+2_x");
    }

    @Test
    void tokensThatAreNotSafeSubjectTokensAreEncodedOneByOne() {
        assertThat(subjects.channel("news.")).isEqualTo("t1.ch.news.~");
        assertThat(subjects.channel(".news")).isEqualTo("t1.ch.~.news");
        assertThat(subjects.channel("a..b")).isEqualTo("t1.ch.a.~.b");
        assertThat(subjects.channel("chat.two words")).isEqualTo("t1.ch.chat.~dHdvIHdvcmRz");
        assertThat(subjects.channel("a.>")).isEqualTo("t1.ch.a.~Pg");
        assertThat(subjects.channel("ünï.côdé")).isEqualTo("t1.ch.~w7xuw68.~Y8O0ZMOp");
        assertThat(subjects.channel("~x")).isEqualTo("t1.ch.~fng"); // the escape itself is escaped
    }

    @Test
    void everyNameComesBackFromItsSubject() {
        for (String name : List.of(
                "news",
                "a.b.c",
                "news.",
                ".",
                "..",
                "a..b",
                "two words",
                "tab\there",
                "a.>",
                "*",
                "~",
                "~x",
                "ünï",
                "x/y:z",
                "emoji.\uD83D\uDE00")) {
            assertThat(subjects.channelOf(subjects.channel(name))).as(name).isEqualTo(name);
        }
    }

    @Test
    void subjectsThatAreNotOursOrNotCanonicalGiveNoChannel() {
        assertThat(subjects.channelOf("t1.ch")).isNull();
        assertThat(subjects.channelOf("t1.chx.a")).isNull();
        assertThat(subjects.channelOf("t2.ch.a")).isNull();
        assertThat(subjects.channelOf("t1.ch.~YQ")).isNull(); // "a" must be plain
        assertThat(subjects.channelOf("t1.ch.~!!")).isNull();
        assertThat(subjects.channelOf("t1.ch.a b")).isNull();
        assertThat(subjects.channelOf("t1.ch.a..b")).isNull();
    }

    @Test
    void aNameSubscribesItsOwnSubject() {
        assertThat(subjects.route("news.sport")).isEqualTo(new Route("t1.ch.news.sport", null, true));
        assertThat(subjects.route("odd name")).isEqualTo(new Route("t1.ch.~b2RkIG5hbWU", null, true));
    }

    @Test
    void aTrailingStarAfterADotIsExactlyAGreaterThanWildcard() {
        assertThat(subjects.route("news.*")).isEqualTo(new Route("t1.ch.news.>", "t1.ch.news", true));
        assertThat(subjects.route("a.b.**")).isEqualTo(new Route("t1.ch.a.b.>", "t1.ch.a.b", true));
        assertThat(subjects.route("*")).isEqualTo(new Route("t1.ch.>", "t1.ch", true));
        assertThat(subjects.route("x y.*")).isEqualTo(new Route("t1.ch.~eCB5.>", "t1.ch.~eCB5", true));
        assertThat(subjects.route(".*")).isEqualTo(new Route("t1.ch.~.>", "t1.ch.~", true));
    }

    @Test
    void otherPatternsGetTheirLeadingTokensAndALocalFilter() {
        assertThat(subjects.route("news.?")).isEqualTo(new Route("t1.ch.news.>", "t1.ch.news", false));
        assertThat(subjects.route("a.*.c")).isEqualTo(new Route("t1.ch.a.>", "t1.ch.a", false));
        assertThat(subjects.route("news*")).isEqualTo(new Route("t1.ch.>", "t1.ch", false));
        assertThat(subjects.route("a.b[xy].c")).isEqualTo(new Route("t1.ch.a.>", "t1.ch.a", false));
        assertThat(subjects.route("room.[!a]*")).isEqualTo(new Route("t1.ch.room.>", "t1.ch.room", false));
        assertThat(subjects.route("*.news")).isEqualTo(new Route("t1.ch.>", "t1.ch", false));
    }

    @Test
    void aBroaderSubscriptionCoversEveryNameItsPatternMatches() {
        List<String> names = List.of(
                "news",
                "news.",
                "news.a",
                "news.a.b",
                "news..x",
                "newsy",
                "news.two words",
                "a.b.c",
                "a.x.y.c",
                "a..c",
                "a.bx.c",
                "room.a",
                "room.b",
                "room.",
                "x",
                ".x",
                "n.ews");
        for (String pattern : List.of("news.*", "news.?", "a.*.c", "news*", "a.b[xy].c", "room.[!a]*", "*.x", "*")) {
            Route route = subjects.route(pattern);
            ChannelPattern glob = ChannelPattern.compile(pattern);
            for (String name : names) {
                boolean delivered = covers(route, subjects.channel(name));
                if (glob.matches(name)) {
                    assertThat(delivered).as(pattern + " on " + name).isTrue();
                }
                if (route.exact()) {
                    assertThat(delivered).as(pattern + " exactly on " + name).isEqualTo(glob.matches(name));
                }
            }
        }
    }

    /** NATS matching of a subscription of ours (literal, or tokens then '>') against a subject. */
    private static boolean covers(Route route, String subject) {
        String root = route.wildcardRoot();
        return root == null ? route.subject().equals(subject) : subject.startsWith(root + ".");
    }

    @Test
    void aSubjectIsReceivedByTheWildcardsOfItsLeadingTokens() {
        assertThat(subjects.wildcardRootsOf("t1.ch.a.b.c")).containsExactly("t1.ch", "t1.ch.a", "t1.ch.a.b");
        assertThat(subjects.wildcardRootsOf("t1.ch.a")).containsExactly("t1.ch");
    }

    @Test
    void prefixesMustNameStreams() {
        assertThat(Subjects.checkPrefix("tether-test_1")).isEqualTo("tether-test_1");
        for (String bad : List.of("", "a.b", "a b", "a*", "$JS", "x".repeat(65))) {
            assertThatThrownBy(() -> new Subjects(bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("expected: 1 to 64 of");
        }
    }

    @Test
    void historyNamesSayTheirPolicy() {
        HistoryPolicy policy = new HistoryPolicy(100, Duration.ofMinutes(5), Duration.ofDays(1));
        assertThat(subjects.historyStream(policy)).isEqualTo("t1_h_100_300000_86400000");
        assertThat(subjects.historySubjects(policy)).isEqualTo("t1.h.100_300000_86400000.>");
        assertThat(subjects.historySubject(policy, "chat.x y")).isEqualTo("t1.h.100_300000_86400000.chat.~eCB5");
        assertThat(subjects.positionBucket(policy)).isEqualTo("t1_hp_100_300000_86400000");
        HistoryPolicy tiny = new HistoryPolicy(1, Duration.ofNanos(1), Duration.ofNanos(1));
        assertThat(subjects.historyStream(tiny)).isEqualTo("t1_h_1_1_1"); // never 0, which JetStream reads as forever
    }

    @Test
    void keysAreOneKeyValueToken() {
        assertThat(Subjects.presenceKey("lobby.eu", "s-1")).isEqualTo("bG9iYnkuZXU.cy0x");
        assertThat(Subjects.unkey("cy0x")).isEqualTo("s-1");
        assertThat(Subjects.kvSubject("t1_presence", "k")).isEqualTo("$KV.t1_presence.k");
        assertThatThrownBy(() -> Subjects.key("")).isInstanceOf(IllegalArgumentException.class);
    }
}
