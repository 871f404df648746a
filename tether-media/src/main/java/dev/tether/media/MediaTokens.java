package dev.tether.media;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tether.core.Clock;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Single-use connection tokens, as pipecat's dev runner makes them: {@code base64url({"exp":now+300,"jti":hex8})}
 * {@code .} {@code hmac_sha256_hex}, signed with a random secret this object holds (so one per process, shared by the
 * endpoints that check tokens and the HTTP endpoint that hands them out). A token is good for {@link #LIFETIME} and
 * for one connection.
 *
 * <pre>{@code
 * MediaTokens tokens = MediaTokens.create();
 * server.httpEndpoint("/token", request -> CompletableFuture.completedFuture(
 *         HttpResponse.json(200, "{\"token\":\"" + tokens.mint() + "\"}")));
 * MediaEndpoint.builder("/ws-client", bot).tokens(tokens)...
 * }</pre>
 *
 * <p>Replays: a redeemed token is remembered until it expires. At most {@link #MAX_REDEEMED} unexpired tokens are
 * remembered; when that many were redeemed within one lifetime, further tokens are refused (logged) until some
 * expire, rather than forgetting one that could then be replayed. Thread-safe.
 */
public final class MediaTokens {
    private static final Logger log = LoggerFactory.getLogger(MediaTokens.class);

    /** How long a token is good for after it was minted. */
    public static final Duration LIFETIME = Duration.ofSeconds(300);

    /** The most unexpired redeemed tokens remembered against replays. */
    public static final int MAX_REDEEMED = 10_000;

    private static final int MAX_TOKEN_CHARS = 512;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Clock clock;
    private final long epochMillisAtStart;
    private final long nanosAtStart;
    private final SecretKeySpec key;
    private final Map<String, Long> redeemed = new ConcurrentHashMap<>(); // payload -> exp (epoch seconds)

    private MediaTokens(Clock clock, byte[] secret) {
        this.clock = clock;
        this.epochMillisAtStart = System.currentTimeMillis();
        this.nanosAtStart = clock.nanoTime();
        this.key = new SecretKeySpec(secret, "HmacSHA256");
    }

    /** Tokens signed with a new random secret, on the system clock. */
    public static MediaTokens create() {
        return create(Clock.system());
    }

    /**
     * Tokens signed with a new random secret, whose expiry reads {@code clock} (wall time at creation, moved on by
     * the clock), so that a test's {@code ManualClock} can expire them.
     */
    public static MediaTokens create(Clock clock) {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        return new MediaTokens(Objects.requireNonNull(clock, "clock"), secret);
    }

    /** A new token, good for {@link #LIFETIME} and one connection. */
    public String mint() {
        byte[] jti = new byte[4];
        RANDOM.nextBytes(jti);
        String json = "{\"exp\":" + (nowSeconds() + LIFETIME.toSeconds()) + ",\"jti\":\""
                + HexFormat.of().formatHex(jti) + "\"}";
        String payload = Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
        return payload + "." + sign(payload);
    }

    /**
     * Checks {@code token} and uses it up: whether it is well formed, signed by this object, not expired and not
     * redeemed before. Never throws for bad input.
     */
    public boolean redeem(String token) {
        if (token.isEmpty() || token.length() > MAX_TOKEN_CHARS) {
            return false;
        }
        int dot = token.lastIndexOf('.');
        if (dot <= 0) {
            return false;
        }
        String payload = token.substring(0, dot);
        byte[] signature = token.substring(dot + 1).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(signature, sign(payload).getBytes(StandardCharsets.US_ASCII))) {
            return false;
        }
        long exp;
        try {
            JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(payload));
            JsonNode expNode = claims == null ? null : claims.get("exp");
            if (expNode == null || !expNode.canConvertToLong()) {
                return false;
            }
            exp = expNode.asLong();
        } catch (IllegalArgumentException | java.io.IOException e) {
            return false; // signed by us, so not expected; still nothing to throw at a caller
        }
        long now = nowSeconds();
        if (exp <= now) {
            return false;
        }
        if (redeemed.size() >= MAX_REDEEMED) {
            forgetExpired(now);
            if (redeemed.size() >= MAX_REDEEMED) {
                log.warn("Refusing a token: {} tokens were redeemed within {} s", MAX_REDEEMED, LIFETIME.toSeconds());
                return false;
            }
        }
        return redeemed.putIfAbsent(payload, exp) == null;
    }

    private void forgetExpired(long now) {
        for (Iterator<Long> it = redeemed.values().iterator(); it.hasNext(); ) {
            if (it.next() <= now) {
                it.remove();
            }
        }
    }

    /** Redeemed tokens still remembered (for tests and metrics). */
    public int rememberedTokens() {
        return redeemed.size();
    }

    private long nowSeconds() {
        return (epochMillisAtStart + (clock.nanoTime() - nanosAtStart) / 1_000_000) / 1000;
    }

    private String sign(String payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return HexFormat.of().formatHex(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
        }
    }

    @Override
    public String toString() {
        return "MediaTokens{remembered=" + redeemed.size() + "}";
    }
}
