package dev.tether.server;

import dev.tether.core.Checks;
import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Checks over a session's {@link Session#attributes()}, for RPC permissions ({@link Rpc#requires()}) and for
 * filtering {@link TetherServer#broadcast(Object, java.util.Collection, Predicate)}. They compose, and print as
 * they were written:
 *
 * <pre>{@code
 * SessionPredicate moderator = Predicates.all(Predicates.has("user"), Predicates.isEqual("role", "mod"));
 * moderator.toString();   // All(Has('user'), IsEqual('role', 'mod'))
 * }</pre>
 *
 * <p>The predicates are immutable and thread-safe; they read the attribute map at the moment they are tested.
 */
public final class Predicates {
    private static final SessionPredicate AUTHENTICATED =
            new Named("Authenticated()", session -> session.identity().isAuthenticated());

    private Predicates() {}

    /** True when the session has an attribute named {@code key}, whatever its value. Prints {@code Has('key')}. */
    public static SessionPredicate has(String key) {
        Objects.requireNonNull(key, "key");
        return new Named(
                "Has(" + repr(key) + ")", session -> session.attributes().containsKey(key));
    }

    /**
     * True when the attribute {@code key} is truthy, as Python judges it: present, not {@code false}, not a zero
     * number, not an empty string, collection, map or array. Prints {@code Is('key')}.
     */
    public static SessionPredicate is(String key) {
        Objects.requireNonNull(key, "key");
        return new Named(
                "Is(" + repr(key) + ")", session -> truthy(session.attributes().get(key)));
    }

    /**
     * True when the attribute {@code key} equals {@code value}. Numbers compare by value whatever their boxed type
     * ({@code 3} equals {@code 3L} and {@code 3.0}), as Python's {@code ==} does; anything else by
     * {@link Object#equals}. Prints {@code IsEqual('key', value)}.
     */
    public static SessionPredicate isEqual(String key, Object value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        return new Named(
                "IsEqual(" + repr(key) + ", " + repr(value) + ")",
                session -> equal(session.attributes().get(key), value));
    }

    /** True when at least one of {@code predicates} is; false for none. Prints {@code Any(p1, p2, …)}. */
    @SafeVarargs
    public static SessionPredicate any(Predicate<? super Session>... predicates) {
        List<Predicate<? super Session>> all = new ArrayList<>(predicates.length);
        for (Predicate<? super Session> p : predicates) {
            all.add(Objects.requireNonNull(p, "predicate"));
        }
        return new Named("Any(" + join(all) + ")", session -> {
            for (Predicate<? super Session> p : all) {
                if (p.test(session)) {
                    return true;
                }
            }
            return false;
        });
    }

    /** True when every one of {@code predicates} is; true for none. Prints {@code All(p1, p2, …)}. */
    @SafeVarargs
    public static SessionPredicate all(Predicate<? super Session>... predicates) {
        List<Predicate<? super Session>> all = new ArrayList<>(predicates.length);
        for (Predicate<? super Session> p : predicates) {
            all.add(Objects.requireNonNull(p, "predicate"));
        }
        return new Named("All(" + join(all) + ")", session -> {
            for (Predicate<? super Session> p : all) {
                if (!p.test(session)) {
                    return false;
                }
            }
            return true;
        });
    }

    /** The opposite of {@code predicate}. Prints {@code Not(p)}. */
    public static SessionPredicate not(Predicate<? super Session> predicate) {
        Objects.requireNonNull(predicate, "predicate");
        return new Named("Not(" + predicate + ")", session -> !predicate.test(session));
    }

    /**
     * True when an {@link Authenticator} vouched for the session's client ({@link Identity#isAuthenticated()}).
     * Prints {@code Authenticated()}.
     */
    public static SessionPredicate authenticated() {
        return AUTHENTICATED;
    }

    /**
     * True when the session's {@link Identity} holds {@code permission}, compared exactly. Prints
     * {@code Permission('name')}.
     */
    public static SessionPredicate permission(String permission) {
        Checks.notEmpty(permission, "permission");
        return new Named(
                "Permission(" + repr(permission) + ")",
                session -> session.identity().hasPermission(permission));
    }

    /** Any check of a session, printed as {@code description}: for lambdas, whose own {@code toString} says nothing. */
    public static SessionPredicate named(String description, Predicate<? super Session> predicate) {
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(predicate, "predicate");
        return new Named(description, predicate);
    }

    /** Python's truth test of an attribute value; {@code null} (absent) is false. */
    static boolean truthy(@Nullable Object value) {
        if (value == null) {
            return false;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        if (value instanceof BigDecimal d) {
            return d.signum() != 0;
        }
        if (value instanceof BigInteger i) {
            return i.signum() != 0;
        }
        if (value instanceof Double || value instanceof Float) {
            return ((Number) value).doubleValue() != 0.0;
        }
        if (value instanceof Number n) {
            return n.longValue() != 0;
        }
        if (value instanceof CharSequence s) {
            return s.length() > 0;
        }
        if (value instanceof Collection<?> c) {
            return !c.isEmpty();
        }
        if (value instanceof Map<?, ?> m) {
            return !m.isEmpty();
        }
        if (value.getClass().isArray()) {
            return Array.getLength(value) > 0;
        }
        return true;
    }

    private static boolean equal(@Nullable Object actual, Object expected) {
        if (actual instanceof Number a && expected instanceof Number e) {
            BigDecimal x = decimal(a);
            BigDecimal y = decimal(e);
            return (x != null && y != null) ? x.compareTo(y) == 0 : a.doubleValue() == e.doubleValue();
        }
        return expected.equals(actual);
    }

    /** The exact value of a number, or {@code null} for NaN and the infinities. */
    private static @Nullable BigDecimal decimal(Number n) {
        if (n instanceof BigDecimal d) {
            return d;
        }
        if (n instanceof BigInteger i) {
            return new BigDecimal(i);
        }
        if (n instanceof Double || n instanceof Float) {
            double d = n.doubleValue();
            return Double.isFinite(d) ? BigDecimal.valueOf(d) : null;
        }
        return BigDecimal.valueOf(n.longValue());
    }

    private static String join(List<? extends Predicate<?>> predicates) {
        return predicates.stream().map(String::valueOf).collect(Collectors.joining(", "));
    }

    /** Strings in single quotes as Python prints them; other values as they print themselves. */
    private static String repr(Object value) {
        if (value instanceof CharSequence s) {
            return "'" + s.toString().replace("\\", "\\\\").replace("'", "\\'") + "'";
        }
        return String.valueOf(value);
    }

    private static final class Named implements SessionPredicate {
        private final String description;
        private final Predicate<? super Session> test;

        Named(String description, Predicate<? super Session> test) {
            this.description = description;
            this.test = test;
        }

        @Override
        public boolean test(Session session) {
            return test.test(session);
        }

        @Override
        public String toString() {
            return description;
        }
    }
}
