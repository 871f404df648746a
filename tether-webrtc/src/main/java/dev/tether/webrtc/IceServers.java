package dev.tether.webrtc;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Reads the ICE server configuration of the {@code --ice-servers} flag or the {@value #ENV} environment variable, as
 * pipecat's runner accepts it: either a comma-separated list of bare URLs
 * ({@code stun:stun.example.org:3478, turn:turn.example.org}) or a JSON array whose items are bare URL strings or
 * {@code {"urls": ..., "username": ..., "credential": ...}} objects, where {@code urls} is a string or an array of
 * strings.
 *
 * <p>Anything else is refused with an {@link IllegalArgumentException} that names where the value came from and the
 * offending entry (entries count from 1). Error messages never repeat a credential.
 */
public final class IceServers {
    /** The environment variable pipecat reads its ICE servers from. */
    public static final String ENV = "PIPECAT_ICE_SERVERS";

    /** The public STUN server that {@code /start} offers with {@code enableDefaultIceServers}. */
    public static final String GOOGLE_STUN = "stun:stun.l.google.com:19302";

    private static final ObjectMapper MAPPER =
            new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final Pattern UNRECOGNIZED_TOKEN =
            Pattern.compile("^Unrecognized token '.*': was expecting", Pattern.DOTALL);
    private static final Pattern SOURCE = Pattern.compile("\\[Source: .*?; line: (\\d+), column: (\\d+)\\]");
    private static final Set<String> KEYS = Set.of("urls", "username", "credential");
    private static final String OBJECT_SHAPE = "{\"urls\": ..., \"username\": ..., \"credential\": ...}";
    private static final String EXPECTED_VALUE =
            "a JSON array of URL strings and " + OBJECT_SHAPE + " objects, or a comma-separated list of URLs";

    private IceServers() {}

    /** The servers of the {@value #ENV} variable's value; see {@link #parse(String, String)}. */
    public static List<IceServer> parse(String value) {
        return parse(ENV, value);
    }

    /**
     * The servers that {@code value} lists; a blank value lists none.
     *
     * <p>The value is JSON when its first non-blank character is {@code [} (an array), or an opening brace, a double
     * quote, a digit or {@code -}, or when it starts with the word {@code true}, {@code false} or {@code null}: those are
     * refused as not being a JSON array. Anything else is a comma-separated list whose items are trimmed and whose empty items are
     * skipped; an item with whitespace inside is refused, since a URL has none (it is likely a forgotten comma).
     *
     * @param source where the value came from, such as {@code --ice-servers} or {@value #ENV}; it starts every error
     *     message
     * @throws IllegalArgumentException when the value is malformed JSON, a JSON value other than an array, or holds an
     *     entry that is not a URL or a server object (no {@code urls}, an unknown key, a value of the wrong type)
     */
    public static List<IceServer> parse(String source, String value) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(value, "value");
        String trimmed = value.strip();
        if (trimmed.isEmpty()) {
            return List.of();
        }
        return looksLikeJson(trimmed) ? parseJson(source, value) : parseList(source, trimmed);
    }

    /**
     * The servers of the {@value #ENV} variable, given its value so that a test needs no environment: none when it is
     * unset ({@code null}) or blank.
     *
     * @throws IllegalArgumentException as {@link #parse(String, String)}
     */
    public static List<IceServer> fromEnvironment(@Nullable String envValue) {
        return envValue == null ? List.of() : parse(ENV, envValue);
    }

    private static boolean looksLikeJson(String trimmed) {
        char first = trimmed.charAt(0);
        if (first == '[' || first == '{' || first == '"' || first == '-' || (first >= '0' && first <= '9')) {
            return true;
        }
        // JSON's literals: a value "true" is a mistake to report, not a URL named "true".
        int end = 0;
        while (end < trimmed.length() && Character.isLetter(trimmed.charAt(end))) {
            end++;
        }
        String word = trimmed.substring(0, end);
        return word.equals("true") || word.equals("false") || word.equals("null");
    }

    private static List<IceServer> parseList(String source, String trimmed) {
        List<IceServer> servers = new ArrayList<>();
        int entry = 0;
        for (String item : trimmed.split(",", -1)) {
            String url = item.strip();
            if (url.isEmpty()) {
                continue;
            }
            entry++;
            if (url.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException(source + ": entry " + entry + " \"" + url
                        + "\" has whitespace inside (expected: URLs separated by commas)");
            }
            servers.add(IceServer.of(url));
        }
        return List.copyOf(servers);
    }

    private static List<IceServer> parseJson(String source, String value) {
        JsonNode root;
        try {
            root = MAPPER.readTree(value);
        } catch (JsonProcessingException e) {
            JsonLocation location = e.getLocation();
            String at = location == null || location.getCharOffset() < 0 ? "" : " at char " + location.getCharOffset();
            // Jackson quotes an unrecognized token, which may be an unquoted credential: the position is enough. For
            // the same reason the exception is not the cause. Its note on the (redacted) source is noise here.
            String problem = UNRECOGNIZED_TOKEN
                    .matcher(e.getOriginalMessage())
                    .replaceFirst("Unrecognized token: was expecting");
            problem = SOURCE.matcher(problem).replaceAll("line $1, column $2");
            throw new IllegalArgumentException(
                    source + ": malformed JSON" + at + ": " + problem + " (expected: " + EXPECTED_VALUE + ")");
        }
        if (!root.isArray()) {
            throw new IllegalArgumentException(
                    source + ": " + describe(root) + ", not a JSON array (expected: " + EXPECTED_VALUE + ")");
        }
        List<IceServer> servers = new ArrayList<>();
        for (int i = 0; i < root.size(); i++) {
            servers.add(entry(source, i + 1, root.get(i)));
        }
        return List.copyOf(servers);
    }

    private static IceServer entry(String source, int entry, JsonNode item) {
        String prefix = source + ": entry " + entry;
        if (item.isTextual()) {
            if (item.textValue().isBlank()) {
                throw new IllegalArgumentException(
                        prefix + " is a blank string (expected: a URL or " + OBJECT_SHAPE + ")");
            }
            return IceServer.of(item.textValue());
        }
        if (!item.isObject()) {
            throw new IllegalArgumentException(
                    prefix + " is " + describe(item) + " (expected: a URL string or " + OBJECT_SHAPE + ")");
        }
        for (Iterator<String> names = item.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!KEYS.contains(name)) {
                throw new IllegalArgumentException(prefix + " has an unknown key \"" + name
                        + "\" (expected: only \"urls\", \"username\" and \"credential\")");
            }
        }
        JsonNode urls = item.get("urls");
        if (urls == null) {
            throw new IllegalArgumentException(prefix + " has no \"urls\" (expected: " + OBJECT_SHAPE + ")");
        }
        return new IceServer(
                urls(prefix, urls), optionalText(prefix, item, "username"), optionalText(prefix, item, "credential"));
    }

    private static List<String> urls(String prefix, JsonNode urls) {
        String expected = " (expected: a URL string or a non-empty array of URL strings)";
        if (urls.isTextual()) {
            if (urls.textValue().isBlank()) {
                throw new IllegalArgumentException(prefix + " \"urls\" is a blank string" + expected);
            }
            return List.of(urls.textValue());
        }
        if (!urls.isArray()) {
            throw new IllegalArgumentException(prefix + " \"urls\" is " + describe(urls) + expected);
        }
        if (urls.isEmpty()) {
            throw new IllegalArgumentException(prefix + " \"urls\" is an empty array" + expected);
        }
        List<String> list = new ArrayList<>();
        for (int i = 0; i < urls.size(); i++) {
            JsonNode url = urls.get(i);
            if (!url.isTextual() || url.textValue().isBlank()) {
                throw new IllegalArgumentException(prefix + " \"urls\"[" + i + "] is "
                        + (url.isTextual() ? "a blank string" : describe(url)) + " (expected: a URL string)");
            }
            list.add(url.textValue());
        }
        return list;
    }

    private static @Nullable String optionalText(String prefix, JsonNode item, String name) {
        JsonNode value = item.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            // The type, not the value: a credential of the wrong type may still be a secret.
            throw new IllegalArgumentException(
                    prefix + " \"" + name + "\" is " + describe(value) + " (expected: a string or null)");
        }
        return value.textValue();
    }

    private static String describe(JsonNode node) {
        if (node.isObject()) {
            return "a JSON object";
        } else if (node.isArray()) {
            return "a JSON array";
        } else if (node.isTextual()) {
            return "a JSON string";
        } else if (node.isNumber()) {
            return "a JSON number";
        } else if (node.isBoolean()) {
            return "a JSON boolean";
        } else if (node.isNull()) {
            return "JSON null";
        }
        return "a JSON " + node.getNodeType();
    }
}
