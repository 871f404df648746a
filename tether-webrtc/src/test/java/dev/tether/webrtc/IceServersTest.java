package dev.tether.webrtc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The ICE server configuration of {@code --ice-servers} and {@code PIPECAT_ICE_SERVERS}, and {@link IceServer}. */
class IceServersTest {
    private static final String ARRAY_EXPECTED = "(expected: a JSON array of URL strings and {\"urls\": ..., "
            + "\"username\": ..., \"credential\": ...} objects, or a comma-separated list of URLs)";

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", " \t\n "})
    void aBlankValueListsNoServers(String value) {
        assertThat(IceServers.parse(value)).isEmpty();
    }

    @Test
    void anUnsetVariableListsNoServers() {
        assertThat(IceServers.fromEnvironment(null)).isEmpty();
    }

    @Test
    void theVariableIsReadLikeAnyValue() {
        assertThat(IceServers.fromEnvironment("stun:a")).containsExactly(IceServer.of("stun:a"));
    }

    @Test
    void aCommaListGivesOneServerPerUrlTrimmedAndWithoutEmptyItems() {
        List<IceServer> servers = IceServers.parse(" stun:a.example:3478 ,turn:b.example,, ,turns:c.example:443 ");

        assertThat(servers)
                .containsExactly(
                        IceServer.of("stun:a.example:3478"),
                        IceServer.of("turn:b.example"),
                        IceServer.of("turns:c.example:443"));
    }

    @Test
    void aCommaListItemWithWhitespaceInsideIsRefused() {
        assertThatThrownBy(() -> IceServers.parse("stun:a, stun:b stun:c"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("PIPECAT_ICE_SERVERS: entry 2 \"stun:b stun:c\" has whitespace inside"
                        + " (expected: URLs separated by commas)");
    }

    @Test
    void aJsonArrayOfBareUrlsGivesOneServerEach() {
        assertThat(IceServers.parse(" [\"stun:a\", \"turn:b\"] "))
                .containsExactly(IceServer.of("stun:a"), IceServer.of("turn:b"));
    }

    @Test
    void anEmptyJsonArrayListsNoServers() {
        assertThat(IceServers.parse("[]")).isEmpty();
    }

    @Test
    void objectsTakeUrlsAsAStringOrAnArrayWithTheirCredentials() {
        List<IceServer> servers = IceServers.parse(
                "[\"stun:a\","
                        + " {\"urls\": \"turn:b\", \"username\": \"u\", \"credential\": \"c\"},"
                        + " {\"urls\": [\"turn:c?transport=udp\", \"turns:c:443\"], \"username\": \"v\", \"credential\": \"d\"}]");

        assertThat(servers)
                .containsExactly(
                        IceServer.of("stun:a"),
                        new IceServer(List.of("turn:b"), "u", "c"),
                        new IceServer(List.of("turn:c?transport=udp", "turns:c:443"), "v", "d"));
    }

    @Test
    void nullUsernameAndCredentialAreDropped() {
        assertThat(IceServers.parse("[{\"urls\": \"stun:a\", \"username\": null, \"credential\": null}]"))
                .containsExactly(new IceServer(List.of("stun:a"), null, null));
    }

    @Test
    void anEntryWithoutUrlsIsRefused() {
        assertThatThrownBy(() -> IceServers.parse("[\"stun:a\", {\"username\": \"u\", \"credential\": \"c\"}]"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("PIPECAT_ICE_SERVERS: entry 2 has no \"urls\""
                        + " (expected: {\"urls\": ..., \"username\": ..., \"credential\": ...})");
    }

    @Test
    void anEntryWithAnUnknownKeyIsRefused() {
        assertThatThrownBy(() -> IceServers.parse("[{\"url\": \"stun:a\"}]"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("PIPECAT_ICE_SERVERS: entry 1 has an unknown key \"url\""
                        + " (expected: only \"urls\", \"username\" and \"credential\")");
    }

    @Test
    void anEntryThatIsNeitherAUrlNorAnObjectIsRefused() {
        assertThatThrownBy(() -> IceServers.parse("[\"stun:a\", 3478]"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("PIPECAT_ICE_SERVERS: entry 2 is a JSON number"
                        + " (expected: a URL string or {\"urls\": ..., \"username\": ..., \"credential\": ...})");
        assertThatThrownBy(() -> IceServers.parse("[null]"))
                .hasMessage("PIPECAT_ICE_SERVERS: entry 1 is JSON null"
                        + " (expected: a URL string or {\"urls\": ..., \"username\": ..., \"credential\": ...})");
    }

    @Test
    void aBlankUrlEntryIsRefused() {
        assertThatThrownBy(() -> IceServers.parse("[\" \"]"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("PIPECAT_ICE_SERVERS: entry 1 is a blank string"
                        + " (expected: a URL or {\"urls\": ..., \"username\": ..., \"credential\": ...})");
    }

    @Test
    void urlsOfTheWrongShapeAreRefused() {
        String expected = " (expected: a URL string or a non-empty array of URL strings)";
        assertThatThrownBy(() -> IceServers.parse("[{\"urls\": 5}]"))
                .hasMessage("PIPECAT_ICE_SERVERS: entry 1 \"urls\" is a JSON number" + expected);
        assertThatThrownBy(() -> IceServers.parse("[{\"urls\": null}]"))
                .hasMessage("PIPECAT_ICE_SERVERS: entry 1 \"urls\" is JSON null" + expected);
        assertThatThrownBy(() -> IceServers.parse("[{\"urls\": []}]"))
                .hasMessage("PIPECAT_ICE_SERVERS: entry 1 \"urls\" is an empty array" + expected);
        assertThatThrownBy(() -> IceServers.parse("[{\"urls\": \"\"}]"))
                .hasMessage("PIPECAT_ICE_SERVERS: entry 1 \"urls\" is a blank string" + expected);
        assertThatThrownBy(() -> IceServers.parse("[{\"urls\": [\"stun:a\", 7]}]"))
                .hasMessage("PIPECAT_ICE_SERVERS: entry 1 \"urls\"[1] is a JSON number (expected: a URL string)");
        assertThatThrownBy(() -> IceServers.parse("[{\"urls\": [\"stun:a\", \"\"]}]"))
                .hasMessage("PIPECAT_ICE_SERVERS: entry 1 \"urls\"[1] is a blank string (expected: a URL string)");
    }

    @Test
    void aCredentialOfTheWrongTypeIsRefusedWithoutRepeatingIt() {
        assertThatThrownBy(
                        () -> IceServers.parse("[{\"urls\": \"turn:a\", \"username\": \"u\", \"credential\": 271828}]"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "PIPECAT_ICE_SERVERS: entry 1 \"credential\" is a JSON number (expected: a string or null)");
        assertThatThrownBy(() -> IceServers.parse("[{\"urls\": \"turn:a\", \"username\": [\"u\"]}]"))
                .hasMessage("PIPECAT_ICE_SERVERS: entry 1 \"username\" is a JSON array (expected: a string or null)");
    }

    @Test
    void malformedJsonIsRefusedWithItsPosition() {
        assertThatThrownBy(() -> IceServers.parse("[\"stun:a\", {\"urls\": \"turn:b\"]"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("PIPECAT_ICE_SERVERS: malformed JSON at char 28: Unexpected close marker ']': expected '}'"
                        + " (for Object starting at line 1, column 12) " + ARRAY_EXPECTED);
        assertThatThrownBy(() -> IceServers.parse("[\"stun:a\""))
                .hasMessage("PIPECAT_ICE_SERVERS: malformed JSON at char 9: Unexpected end-of-input: expected close"
                        + " marker for Array (start marker at line 1, column 1) " + ARRAY_EXPECTED);
    }

    @Test
    void malformedJsonDoesNotRepeatAnUnquotedCredential() {
        assertThatThrownBy(() -> IceServers.parse("[{\"urls\": \"turn:a\", \"credential\": hunter2}]"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("PIPECAT_ICE_SERVERS: malformed JSON at char 41: Unrecognized token: was expecting"
                        + " (JSON String, Number, Array, Object or token 'null', 'true' or 'false') " + ARRAY_EXPECTED)
                .hasNoCause();
    }

    @Test
    void aJsonObjectAtTheTopIsRefusedAsNotAnArray() {
        assertThatThrownBy(() -> IceServers.parse("{\"urls\": \"stun:a\"}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("PIPECAT_ICE_SERVERS: a JSON object, not a JSON array " + ARRAY_EXPECTED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"stun:a\"", "3478", "-1", "true", "false", "null", " null "})
    void aJsonScalarIsRefusedAsNotAnArray(String value) {
        assertThatThrownBy(() -> IceServers.parse(value))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("PIPECAT_ICE_SERVERS: ")
                .hasMessageEndingWith(", not a JSON array " + ARRAY_EXPECTED);
    }

    @Test
    void aValueStartingWithAJsonLiteralIsJson() {
        assertThatThrownBy(() -> IceServers.parse("true, stun:a"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("PIPECAT_ICE_SERVERS: malformed JSON at char ");
    }

    @Test
    void theSourceStartsEveryMessage() {
        assertThatThrownBy(() -> IceServers.parse("--ice-servers", "[{}]"))
                .hasMessage("--ice-servers: entry 1 has no \"urls\""
                        + " (expected: {\"urls\": ..., \"username\": ..., \"credential\": ...})");
    }

    @Test
    void theGoogleStunServerIsPipecatsDefault() {
        assertThat(IceServers.GOOGLE_STUN).isEqualTo("stun:stun.l.google.com:19302");
        assertThat(IceServers.ENV).isEqualTo("PIPECAT_ICE_SERVERS");
    }

    @Test
    void aServerCopiesItsUrls() {
        List<String> urls = new ArrayList<>(List.of("stun:a"));
        IceServer server = new IceServer(urls, null, null);

        urls.add("stun:b");

        assertThat(server.urls()).containsExactly("stun:a");
        assertThatThrownBy(() -> server.urls().add("stun:c")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void aServerWithoutUrlsIsRefused() {
        assertThatThrownBy(() -> new IceServer(List.of(), "u", "c"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("urls: [] (expected: at least one URL)");
    }

    @Test
    void aServerWithABlankOrNullUrlIsRefused() {
        assertThatThrownBy(() -> new IceServer(List.of("stun:a", " "), null, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("urls[1]: \" \" (expected: a non-blank URL)");
        assertThatThrownBy(() -> new IceServer(Arrays.asList("stun:a", null), null, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("urls[1]: null (expected: a non-blank URL)");
    }

    @Test
    void jsonOmitsTheFieldsThatAreNull() {
        assertThat(IceServer.of("stun:a").toJson()).hasToString("{\"urls\":[\"stun:a\"]}");
        assertThat(new IceServer(List.of("turn:b", "turns:b"), "u", "c").toJson())
                .hasToString("{\"urls\":[\"turn:b\",\"turns:b\"],\"username\":\"u\",\"credential\":\"c\"}");
        assertThat(new IceServer(List.of("turn:b"), "u", null).toJson())
                .hasToString("{\"urls\":[\"turn:b\"],\"username\":\"u\"}");
    }

    @Test
    void theTextOfAServerHidesItsCredential() {
        assertThat(new IceServer(List.of("turn:b"), "u", "hunter2"))
                .hasToString("IceServer[urls=[turn:b], username=u, credential=***]");
        assertThat(IceServer.of("stun:a")).hasToString("IceServer[urls=[stun:a], username=null, credential=null]");
    }
}
