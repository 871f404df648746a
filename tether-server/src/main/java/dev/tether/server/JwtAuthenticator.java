package dev.tether.server;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTVerifier;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.AlgorithmMismatchException;
import com.auth0.jwt.exceptions.IncorrectClaimException;
import com.auth0.jwt.exceptions.JWTDecodeException;
import com.auth0.jwt.exceptions.JWTVerificationException;
import com.auth0.jwt.exceptions.MissingClaimException;
import com.auth0.jwt.exceptions.SignatureVerificationException;
import com.auth0.jwt.exceptions.TokenExpiredException;
import com.auth0.jwt.interfaces.Claim;
import com.auth0.jwt.interfaces.DecodedJWT;
import com.auth0.jwt.interfaces.Verification;
import dev.tether.core.Checks;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * An {@link Authenticator} for JSON Web Tokens (RFC 7519) signed with HS256 (a shared secret) or RS256 (an RSA key
 * pair, the server holding the public key), verified with Auth0's java-jwt.
 *
 * <pre>{@code
 * TetherServer.builder()
 *         .authenticator(JwtAuthenticator.hs256(secret).issuer("https://auth.example.com").build())
 *         .predicate("admin", Predicates.permission("admin"))
 * }</pre>
 *
 * <p>The token is taken from the first of: an {@code Authorization: Bearer TOKEN} header (non-browser clients), the
 * query parameter {@code token} ({@code wss://host/?token=TOKEN}: a browser's WebSocket cannot set headers), and a
 * cookie if {@link Builder#cookie(String) one is named}. A valid token opens the session with an {@link Identity}
 * of its {@code sub} claim, the permissions of its {@code permissions} claim (an array of strings, or one string
 * of space-separated names as OAuth's {@code scope}) and every claim. Anything else is refused with 401 and a
 * {@code WWW-Authenticate: Bearer} header (RFC 6750): no token, a bad signature, another algorithm (so {@code none}
 * never passes), expired or not yet valid ({@code exp}, {@code nbf}, with {@link Builder#leeway(Duration) leeway}),
 * the wrong issuer or audience, no {@code sub}, or no {@code exp} unless {@link Builder#requireExpiry(boolean)} is
 * off. Messages say which, never echo the token.
 *
 * <p>Verification is CPU only, and the authenticator is immutable and thread-safe.
 */
public final class JwtAuthenticator implements Authenticator {
    private static final String BEARER = "bearer ";

    private final JWTVerifier verifier;
    private final String description;
    private final String permissionsClaim;
    private final @Nullable String queryParameter;
    private final @Nullable String cookie;

    private JwtAuthenticator(Builder b) {
        Verification verification = JWT.require(b.algorithm).acceptLeeway(b.leeway.toSeconds());
        if (b.issuer != null) {
            verification.withIssuer(b.issuer);
        }
        if (b.audience != null) {
            verification.withAudience(b.audience);
        }
        if (b.requireExpiry) {
            verification.withClaimPresence("exp");
        }
        verification.withClaimPresence("sub");
        this.verifier = verification.build();
        this.description = "JwtAuthenticator{" + b.algorithm.getName()
                + (b.issuer == null ? "" : ", issuer=" + b.issuer)
                + (b.audience == null ? "" : ", audience=" + b.audience) + "}";
        this.permissionsClaim = b.permissionsClaim;
        this.queryParameter = b.queryParameter;
        this.cookie = b.cookie;
    }

    /**
     * Verifies tokens signed with HMAC SHA-256 and {@code secret}.
     *
     * @throws IllegalArgumentException if the secret is shorter than 32 bytes (RFC 7518 §3.2: at least the hash's
     *     size)
     */
    public static Builder hs256(byte[] secret) {
        Objects.requireNonNull(secret, "secret");
        if (secret.length < 32) {
            throw new IllegalArgumentException(
                    "secret: " + secret.length + " bytes (expected: at least 32, RFC 7518 section 3.2)");
        }
        return new Builder(Algorithm.HMAC256(secret.clone()));
    }

    /** Verifies tokens signed with RSASSA-PKCS1-v1_5 SHA-256 by the holder of {@code publicKey}'s private key. */
    public static Builder rs256(RSAPublicKey publicKey) {
        Objects.requireNonNull(publicKey, "publicKey");
        return new Builder(Algorithm.RSA256(publicKey, null));
    }

    @Override
    public CompletionStage<AuthResult> authenticate(HttpRequest request) {
        return CompletableFuture.completedFuture(decide(request));
    }

    /** The decision on {@code request}, at once (what {@link #authenticate} completes with). */
    public AuthResult decide(HttpRequest request) {
        String token = tokenOf(request);
        if (token == null) {
            return AuthResult.refuse(401, "Missing token", Map.of("www-authenticate", "Bearer"));
        }
        DecodedJWT jwt;
        try {
            jwt = verifier.verify(token);
        } catch (JWTVerificationException e) {
            String reason = reason(e);
            return AuthResult.refuse(
                    401,
                    reason,
                    Map.of("www-authenticate", "Bearer error=\"invalid_token\", error_description=\"" + reason + "\""));
        }
        Map<String, Object> claims = new LinkedHashMap<>();
        jwt.getClaims().forEach((name, claim) -> {
            Object value = claim.isNull() || claim.isMissing() ? null : claim.as(Object.class);
            if (value != null) {
                claims.put(name, value);
            }
        });
        return AuthResult.accept(new Identity(jwt.getSubject(), permissions(jwt.getClaim(permissionsClaim)), claims));
    }

    private @Nullable String tokenOf(HttpRequest request) {
        String authorization = request.header("authorization");
        if (authorization != null
                && authorization.length() > BEARER.length()
                && authorization
                        .substring(0, BEARER.length())
                        .toLowerCase(Locale.ROOT)
                        .equals(BEARER)) {
            return authorization.substring(BEARER.length()).trim();
        }
        if (queryParameter != null) {
            String token = request.queryParameter(queryParameter);
            if (token != null && !token.isEmpty()) {
                return token;
            }
        }
        if (cookie != null) {
            String token = request.cookies().get(cookie);
            if (token != null && !token.isEmpty()) {
                return token;
            }
        }
        return null;
    }

    private static Set<String> permissions(Claim claim) {
        if (claim.isNull() || claim.isMissing()) {
            return Set.of();
        }
        String spaced = claim.asString();
        if (spaced != null) {
            Set<String> names = new LinkedHashSet<>();
            for (String name : spaced.trim().split("\\s+")) {
                if (!name.isEmpty()) {
                    names.add(name);
                }
            }
            return names;
        }
        try {
            List<String> list = claim.asList(String.class);
            return list == null ? Set.of() : new LinkedHashSet<>(list);
        } catch (JWTDecodeException notStrings) {
            return Set.of();
        }
    }

    private static String reason(JWTVerificationException e) {
        if (e instanceof TokenExpiredException) {
            return "Token expired";
        }
        if (e instanceof SignatureVerificationException) {
            return "Invalid token signature";
        }
        if (e instanceof AlgorithmMismatchException) {
            return "Token algorithm not accepted";
        }
        if (e instanceof MissingClaimException missing) {
            return "Token has no '" + missing.getClaimName() + "' claim";
        }
        if (e instanceof IncorrectClaimException incorrect) {
            return incorrect.getClaimName().equals("nbf")
                    ? "Token not valid yet"
                    : "Token claim '" + incorrect.getClaimName() + "' rejected";
        }
        if (e instanceof JWTDecodeException) {
            return "Malformed token";
        }
        return "Invalid token";
    }

    @Override
    public String toString() {
        return description;
    }

    /** Settings of a {@link JwtAuthenticator}; made by {@link #hs256} or {@link #rs256}. */
    public static final class Builder {
        private final Algorithm algorithm;
        private @Nullable String issuer;
        private @Nullable String audience;
        private Duration leeway = Duration.ofSeconds(5);
        private boolean requireExpiry = true;
        private String permissionsClaim = "permissions";
        private @Nullable String queryParameter = "token";
        private @Nullable String cookie;

        private Builder(Algorithm algorithm) {
            this.algorithm = algorithm;
        }

        /** Requires the {@code iss} claim to be {@code issuer}. Default: any issuer. */
        public Builder issuer(String issuer) {
            this.issuer = Checks.notEmpty(issuer, "issuer");
            return this;
        }

        /** Requires the {@code aud} claim to hold {@code audience}. Default: any audience. */
        public Builder audience(String audience) {
            this.audience = Checks.notEmpty(audience, "audience");
            return this;
        }

        /** How far clocks may disagree when {@code exp}, {@code nbf} and {@code iat} are checked; default 5 s. */
        public Builder leeway(Duration leeway) {
            Checks.notNegative(leeway, "leeway");
            if (leeway.compareTo(Duration.ofMinutes(5)) > 0) {
                throw new IllegalArgumentException("leeway: " + leeway + " (expected: at most 5 minutes)");
            }
            this.leeway = leeway;
            return this;
        }

        /** Whether a token without {@code exp} is refused (default {@code true}: a token must expire). */
        public Builder requireExpiry(boolean requireExpiry) {
            this.requireExpiry = requireExpiry;
            return this;
        }

        /** The claim holding the permissions; default {@code permissions} ({@code scope} for OAuth tokens). */
        public Builder permissionsClaim(String permissionsClaim) {
            this.permissionsClaim = Checks.notEmpty(permissionsClaim, "permissionsClaim");
            return this;
        }

        /** The query parameter that may carry the token, or {@code null} for none; default {@code token}. */
        public Builder queryParameter(@Nullable String queryParameter) {
            this.queryParameter = queryParameter == null ? null : Checks.notEmpty(queryParameter, "queryParameter");
            return this;
        }

        /** A cookie that may carry the token, or {@code null} (the default) for none. */
        public Builder cookie(@Nullable String cookie) {
            this.cookie = cookie == null ? null : Checks.notEmpty(cookie, "cookie");
            return this;
        }

        public JwtAuthenticator build() {
            return new JwtAuthenticator(this);
        }
    }
}
