package dev.tether.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Channel authorization from permissions, identities and the settings of {@link JwtAuthenticator}. */
class ChannelPermissionsTest {

    @ParameterizedTest(name = "{0} covers {1}: {2}")
    @CsvSource({
        "chat.*, chat.lobby, true",
        "chat.*, chat.room.7, true",
        "chat.*, news.today, false",
        "chat.lobby, chat.lobby, true",
        "chat.lobby, chat.lobby2, false",
        "room.[0-9], room.7, true",
        "room.[0-9], room.x, false",
        "*, anything.at.all, true",
        // patterns: only the same pattern or a PREFIX* above it
        "chat.*, chat.room.*, true",
        "chat.*, chat.*, true",
        "chat.*, chat*, false",
        "chat.*, *, false",
        "*, news.?, true",
        "chat.[ab], chat.?, false",
        "chat.[ab], chat.[ab], true",
        "ch?t.*, chat.*, false"
    })
    void aPermissionCoversNamesItMatchesAndPatternsItSurelyContains(String granted, String requested, boolean covers) {
        assertThat(ChannelPermissions.covers(granted, requested)).isEqualTo(covers);
    }

    @Test
    void subscribeAndPublishReadTheirOwnPermissionsOfTheIdentity() {
        FakeSession session = new FakeSession()
                .identity(
                        Identity.of("ada", "subscribe:chat.*", "publish:chat.lobby", "subscribe:[broken", "publish:"));

        assertThat(ChannelPermissions.subscribe().test(session, "chat.room")).isTrue();
        assertThat(ChannelPermissions.publish().test(session, "chat.room")).isFalse();
        assertThat(ChannelPermissions.publish().test(session, "chat.lobby")).isTrue();
        assertThat(ChannelPermissions.subscribe().test(session, "broken"))
                .as("a malformed grant grants nothing")
                .isFalse();
        assertThat(ChannelPermissions.subscribe().test(new FakeSession(), "chat.room"))
                .as("anonymous")
                .isFalse();
        assertThat(ChannelPermissions.subscribe()).hasToString("ChannelPermissions.subscribe()");
    }

    @Test
    void predicatesReadTheIdentity() {
        FakeSession admin = new FakeSession().identity(Identity.of("ada", "admin"));
        FakeSession anonymous = new FakeSession();

        assertThat(Predicates.authenticated().test(admin)).isTrue();
        assertThat(Predicates.authenticated().test(anonymous)).isFalse();
        assertThat(Predicates.permission("admin").test(admin)).isTrue();
        assertThat(Predicates.permission("admin").test(anonymous)).isFalse();
        assertThat(Predicates.all(Predicates.authenticated(), Predicates.permission("admin")))
                .hasToString("All(Authenticated(), Permission('admin'))");
    }

    @Test
    void identitiesAndResultsAreValidatedOnEntry() {
        assertThat(Identity.anonymous().isAuthenticated()).isFalse();
        assertThatThrownBy(() -> Identity.of("")).hasMessage("subject: '' (expected: not empty)");
        assertThatThrownBy(() -> new Identity("", Set.of("admin"), Map.of()))
                .hasMessageStartingWith("subject: '' (expected: not empty for an identity with permissions");
        assertThatThrownBy(() -> AuthResult.refuse(302, "elsewhere")).hasMessage("status: 302 (expected: 400-599)");
        assertThatThrownBy(() -> AuthResult.refuse(401, "no").identity()).isInstanceOf(IllegalStateException.class);
        assertThat(AuthResult.accept(Identity.of("ada"))).hasToString("Accept(ada)");
    }

    @Test
    void jwtSettingsAreValidatedOnEntry() {
        assertThatThrownBy(() -> JwtAuthenticator.hs256("short".getBytes(StandardCharsets.UTF_8)))
                .hasMessage("secret: 5 bytes (expected: at least 32, RFC 7518 section 3.2)");
        JwtAuthenticator.Builder builder = JwtAuthenticator.hs256(new byte[32]);
        assertThatThrownBy(() -> builder.leeway(Duration.ofHours(1)))
                .hasMessage("leeway: PT1H (expected: at most 5 minutes)");
        assertThatThrownBy(() -> builder.issuer("")).hasMessageStartingWith("issuer");
        assertThat(builder.issuer("https://auth.example").build())
                .hasToString("JwtAuthenticator{HS256, issuer=https://auth.example}");
    }

    @Test
    void requestsReadCookiesQueryAndHeaders() {
        HttpRequest request = new HttpRequest(
                "GET",
                "/",
                Map.of("token", java.util.List.of("t1", "t2")),
                Map.of("cookie", "a=1; b=\"two\"; a=3", "authorization", "Bearer x"),
                new byte[0],
                new java.net.InetSocketAddress("127.0.0.1", 1));

        assertThat(request.cookies()).containsExactly(Map.entry("a", "1"), Map.entry("b", "two"));
        assertThat(request.queryParameter("token")).isEqualTo("t1");
        assertThat(request.queryParameter("none")).isNull();
        assertThat(request.header("Authorization")).isEqualTo("Bearer x");
    }
}
