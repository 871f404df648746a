package dev.tether.server;

import java.util.function.Predicate;

/**
 * A check over a session, made by {@link Predicates}: its {@code toString()} reads like the expression that built
 * it, e.g. {@code All(Has('user'), IsEqual('role', 'mod'))}, so logs and error messages can show it.
 *
 * <p>Predicates are called on I/O or worker threads, must be thread-safe and must not block.
 */
@FunctionalInterface
public interface SessionPredicate extends Predicate<Session> {

    /** Both this and {@code other}: {@code All(this, other)}. */
    @Override
    default SessionPredicate and(Predicate<? super Session> other) {
        return Predicates.all(this, other);
    }

    /** This or {@code other}: {@code Any(this, other)}. */
    @Override
    default SessionPredicate or(Predicate<? super Session> other) {
        return Predicates.any(this, other);
    }

    /** The opposite: {@code Not(this)}. */
    @Override
    default SessionPredicate negate() {
        return Predicates.not(this);
    }
}
