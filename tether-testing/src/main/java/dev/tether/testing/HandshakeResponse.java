package dev.tether.testing;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The server's HTTP answer to an upgrade request (or to any raw request {@link TestWebSocketClient} sent).
 *
 * @param status the status code; {@code -1} when the connection closed before a status line arrived
 * @param reasonPhrase the status line's reason phrase
 * @param headers the headers by lower-case name, in arrival order
 * @param body the body (empty for 101); cut short if the connection closed early
 */
@SuppressWarnings("ArrayRecordComponent") // raw bytes as received
public record HandshakeResponse(int status, String reasonPhrase, Map<String, List<String>> headers, byte[] body) {

    /** The status of a response that never came: the server closed the connection without answering. */
    public static final int NO_RESPONSE = -1;

    public HandshakeResponse {
        headers = Map.copyOf(headers);
    }

    /** A response that never came. */
    public static HandshakeResponse none() {
        return new HandshakeResponse(NO_RESPONSE, "connection closed before a response", Map.of(), new byte[0]);
    }

    /** The first value of the header {@code name} (any case), or {@code null}. */
    public @Nullable String header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** Every value of the header {@code name} (any case). */
    public List<String> headers(String name) {
        return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
    }

    /** The body decoded as UTF-8. */
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** Whether the server switched protocols (status 101). */
    public boolean isUpgrade() {
        return status == 101;
    }

    @Override
    public String toString() {
        if (status == NO_RESPONSE) {
            return "HandshakeResponse{none: the server closed the connection without answering}";
        }
        String text = bodyText();
        return "HandshakeResponse{" + status + " " + reasonPhrase + ", headers=" + headers + ", body='"
                + (text.length() > 200 ? text.substring(0, 200) + "..." : text) + "'}";
    }
}
