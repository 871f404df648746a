package dev.tether.server;

import dev.tether.core.Checks;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Who a session's client is, as the {@link Authenticator} decided at the handshake: a subject (a user or device id),
 * the permissions it holds and the claims it was given (a JWT's payload, say). Sessions of a server without an
 * authenticator are {@link #anonymous()}.
 *
 * <p>RPC permissions read it through {@link Predicates#authenticated()} and {@link Predicates#permission(String)},
 * channel authorization through {@link ChannelPermissions}. It is immutable and fixed for the session's life; state
 * that changes (a login by RPC) belongs in {@link Session#attributes()}.
 *
 * @param subject the client's id; empty only for {@link #anonymous()}
 * @param permissions what the client may do, e.g. {@code admin} or {@code subscribe:chat.*}
 * @param claims everything else the authenticator knows, with JSON-like values (strings, numbers, booleans, lists,
 *     maps)
 */
public record Identity(String subject, Set<String> permissions, Map<String, Object> claims) {
    private static final Identity ANONYMOUS = new Identity("", Set.of(), Map.of());

    /** @throws IllegalArgumentException if {@code subject} is empty while there are permissions or claims */
    public Identity {
        Objects.requireNonNull(subject, "subject");
        permissions = Set.copyOf(permissions);
        claims = Map.copyOf(claims);
        if (subject.isEmpty() && (!permissions.isEmpty() || !claims.isEmpty())) {
            throw new IllegalArgumentException("subject: '' (expected: not empty for an identity with permissions"
                    + " or claims; use Identity.anonymous() for none)");
        }
    }

    /** An identity with {@code subject} and {@code permissions} and no claims. */
    public static Identity of(String subject, Collection<String> permissions) {
        Checks.notEmpty(subject, "subject");
        return new Identity(subject, Set.copyOf(permissions), Map.of());
    }

    /** An identity with {@code subject}, {@code permissions} and no claims. */
    public static Identity of(String subject, String... permissions) {
        return of(subject, Set.of(permissions));
    }

    /** The identity of a session no authenticator vouched for: empty subject, no permissions, no claims. */
    public static Identity anonymous() {
        return ANONYMOUS;
    }

    /** Whether an authenticator vouched for this client (the subject is not empty). */
    public boolean isAuthenticated() {
        return !subject.isEmpty();
    }

    /** Whether {@code permission} is among {@link #permissions()}, compared exactly. */
    public boolean hasPermission(String permission) {
        return permissions.contains(permission);
    }
}
