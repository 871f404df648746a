package dev.tether.server.internal;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import dev.tether.core.Clock;
import dev.tether.server.AuthResult;
import dev.tether.server.HttpRequest;
import dev.tether.server.InboundRateAction;
import dev.tether.server.JwtAuthenticator;
import dev.tether.server.OverflowPolicy;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What admission costs: verifying a JSON Web Token at the handshake (HS256, RS256 with a 2048-bit key), and taking a
 * message from a session's inbound rate (a clock read and two buckets), which every message of a session with a rate
 * pays. Run with {@code bench/jmh-server.sh Admission}; Surefire does not run it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class AdmissionBenchmark {
    private JwtAuthenticator hs256;
    private JwtAuthenticator rs256;
    private HttpRequest hsRequest;
    private HttpRequest rsRequest;
    private InboundRate rate;

    @Setup
    public void setUp() throws Exception {
        byte[] secret = "a-benchmark-secret-of-32-bytes-or-more".getBytes(StandardCharsets.UTF_8);
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair keys = generator.generateKeyPair();
        hs256 = JwtAuthenticator.hs256(secret).build();
        rs256 = JwtAuthenticator.rs256((RSAPublicKey) keys.getPublic()).build();
        hsRequest = request(token().sign(Algorithm.HMAC256(secret)));
        rsRequest = request(token().sign(Algorithm.RSA256(null, (RSAPrivateKey) keys.getPrivate())));
        rate = InboundRate.of(
                new ConnectionSettings(
                        1 << 20,
                        1 << 20,
                        1 << 20,
                        OverflowPolicy.REFUSE,
                        1,
                        2,
                        Duration.ZERO,
                        Duration.ZERO,
                        Duration.ofSeconds(1),
                        false,
                        Set.of(),
                        false,
                        List.of(),
                        null,
                        Integer.MAX_VALUE,
                        Long.MAX_VALUE,
                        InboundRateAction.THROTTLE),
                Clock.system());
    }

    private static com.auth0.jwt.JWTCreator.Builder token() {
        return JWT.create()
                .withSubject("ada")
                .withExpiresAt(Instant.now().plusSeconds(3600))
                .withArrayClaim("permissions", new String[] {"subscribe:chat.*", "publish:chat.lobby"});
    }

    private static HttpRequest request(String token) {
        return new HttpRequest(
                "GET",
                "/",
                Map.of("token", List.of(token)),
                Map.of(),
                new byte[0],
                new InetSocketAddress("127.0.0.1", 1));
    }

    @Benchmark
    public AuthResult jwtHs256() {
        return hs256.decide(hsRequest);
    }

    @Benchmark
    public AuthResult jwtRs256() {
        return rs256.decide(rsRequest);
    }

    @Benchmark
    public long inboundRateTake() {
        return rate.take(64);
    }
}
