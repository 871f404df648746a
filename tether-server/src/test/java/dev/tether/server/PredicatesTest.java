package dev.tether.server;

import static dev.tether.server.Predicates.all;
import static dev.tether.server.Predicates.any;
import static dev.tether.server.Predicates.has;
import static dev.tether.server.Predicates.is;
import static dev.tether.server.Predicates.isEqual;
import static dev.tether.server.Predicates.not;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PredicatesTest {

    static Stream<Arguments> truthTable() {
        return Stream.of(
                Arguments.of(false, false),
                Arguments.of(true, true),
                Arguments.of(0, false),
                Arguments.of(0L, false),
                Arguments.of(0.0, false),
                Arguments.of(BigDecimal.ZERO, false),
                Arguments.of(1, true),
                Arguments.of(-2L, true),
                Arguments.of(0.5, true),
                Arguments.of("", false),
                Arguments.of("x", true),
                Arguments.of(List.of(), false),
                Arguments.of(List.of(1), true),
                Arguments.of(Map.of(), false),
                Arguments.of(Map.of("k", 1), true),
                Arguments.of(new int[0], false),
                Arguments.of(new int[] {1}, true),
                Arguments.of(new Object(), true));
    }

    @ParameterizedTest
    @MethodSource("truthTable")
    void isJudgesTruthLikePython(Object value, boolean expected) {
        assertThat(is("k").test(new FakeSession().with("k", value))).isEqualTo(expected);
        assertThat(has("k").test(new FakeSession().with("k", value))).isTrue();
    }

    @Test
    void absentKeyIsNeitherHadNorTruthy() {
        FakeSession session = new FakeSession();
        assertThat(has("k").test(session)).isFalse();
        assertThat(is("k").test(session)).isFalse();
        assertThat(isEqual("k", 1).test(session)).isFalse();
    }

    @Test
    void isEqualComparesNumbersByValue() {
        FakeSession session = new FakeSession().with("level", 3L).with("role", "mod");
        assertThat(isEqual("level", 3).test(session)).isTrue();
        assertThat(isEqual("level", 3.0).test(session)).isTrue();
        assertThat(isEqual("level", 4).test(session)).isFalse();
        assertThat(isEqual("level", "3").test(session)).isFalse();
        assertThat(isEqual("role", "mod").test(session)).isTrue();
        assertThat(isEqual("role", "admin").test(session)).isFalse();
    }

    @Test
    void combinatorsTruthTable() {
        FakeSession both = new FakeSession().with("a", 1).with("b", 1);
        FakeSession onlyA = new FakeSession().with("a", 1);
        FakeSession none = new FakeSession();
        SessionPredicate anyAB = any(has("a"), has("b"));
        SessionPredicate allAB = all(has("a"), has("b"));
        assertThat(List.of(anyAB.test(both), anyAB.test(onlyA), anyAB.test(none)))
                .containsExactly(true, true, false);
        assertThat(List.of(allAB.test(both), allAB.test(onlyA), allAB.test(none)))
                .containsExactly(true, false, false);
        assertThat(not(has("a")).test(onlyA)).isFalse();
        assertThat(not(has("a")).test(none)).isTrue();
        assertThat(any().test(both)).isFalse();
        assertThat(all().test(none)).isTrue();
        assertThat(has("a").and(has("b")).test(onlyA)).isFalse();
        assertThat(has("a").or(has("b")).test(onlyA)).isTrue();
        assertThat(has("a").negate().test(onlyA)).isFalse();
    }

    @Test
    void printsAsWritten() {
        assertThat(all(has("user"), isEqual("role", "mod")).toString())
                .isEqualTo("All(Has('user'), IsEqual('role', 'mod'))");
        assertThat(any(is("admin"), not(isEqual("level", 3))).toString())
                .isEqualTo("Any(Is('admin'), Not(IsEqual('level', 3)))");
        assertThat(Predicates.named("Weekday()", s -> true).toString()).isEqualTo("Weekday()");
        assertThat(has("it's").toString()).isEqualTo("Has('it\\'s')");
    }
}
