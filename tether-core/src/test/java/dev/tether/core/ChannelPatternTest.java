package dev.tether.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.regex.Pattern;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ChannelPatternTest {

    @ParameterizedTest(name = "{0} ~ {1} = {2}")
    @CsvSource({
        "news.*, news.sport, true",
        "news.*, news.sport.1, true", // '*' crosses dots
        "news.*, news., true",
        "news.*, news, false",
        "news.*, NEWS.sport, false", // case-sensitive
        "news.sport.?, news.sport.1, true",
        "news.sport.?, news.sport.12, false",
        "news.sport.?, news.sport., false",
        "news.market.[ABC], news.market.A, true",
        "news.market.[ABC], news.market.C, true",
        "news.market.[ABC], news.market.D, false",
        "news.market.[ABC], news.market.a, false",
        "news.market.[ABC], news.market.AB, false",
        "room.[!x], room.y, true",
        "room.[!x], room.x, false",
        "room.[!x], room., false",
        "room.[a-c]1, room.b1, true",
        "room.[a-c]1, room.d1, false",
        "*, anything.at.all, true",
        "*.*, a.b, true",
        "*.*, ab, false",
        "a*b*c, abc, true",
        "a*b*c, aXXbYYc, true",
        "a*b*c, aXXbYY, false",
        "**, x, true",
        "[]], ], true",
        "[!]]x, ax, true",
        "[!]]x, ]x, false",
        "plain, plain, true",
        "plain, plainer, false",
    })
    void matchesLikeShellGlob(String pattern, String name, boolean expected) {
        assertThat(ChannelPattern.compile(pattern).matches(name)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"news.*, true", "a?, true", "[x], true", "x], true", "news.sport, false", "a-b_c.d, false"})
    void namesWithGlobCharactersArePatterns(String name, boolean pattern) {
        assertThat(ChannelPattern.isPattern(name)).isEqualTo(pattern);
    }

    @ParameterizedTest
    @CsvSource({"news.[AB", "[", "x[!", "a[]"})
    void unclosedSetIsRefusedWithItsPosition(String pattern) {
        assertThatThrownBy(() -> ChannelPattern.compile(pattern))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(pattern)
                .hasMessageContaining("closed by a ']'");
    }

    @ParameterizedTest
    @CsvSource({"'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab'"
    })
    void manyStarsDoNotBacktrackExponentially(String name) {
        // A regex engine needs exponential time for this; the matcher answers at once.
        assertThat(ChannelPattern.compile("a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*c").matches(name))
                .isFalse();
    }

    /** The matcher agrees with a regex translation on random patterns over a small alphabet. */
    @Property(tries = 2000)
    void agreesWithRegexOracle(
            @ForAll @StringLength(max = 8) @CharRange(from = 'a', to = 'c') String name,
            @ForAll @StringLength(min = 1, max = 6) @CharRange(from = '*', to = 'c') String rawPattern) {
        String pattern = rawPattern.replaceAll("[^abc*?.]", "?");
        assertThat(ChannelPattern.compile(pattern).matches(name))
                .as("%s ~ %s", pattern, name)
                .isEqualTo(toRegex(pattern).matcher(name).matches());
    }

    private static Pattern toRegex(String glob) {
        StringBuilder regex = new StringBuilder();
        for (char c : glob.toCharArray()) {
            regex.append(
                    switch (c) {
                        case '*' -> ".*";
                        case '?' -> ".";
                        default -> Pattern.quote(String.valueOf(c));
                    });
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }
}
