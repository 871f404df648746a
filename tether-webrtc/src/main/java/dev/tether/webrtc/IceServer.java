package dev.tether.webrtc;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One STUN or TURN server a peer may use to gather candidates: the browser's {@code RTCIceServer}. A TURN server
 * usually carries a {@code username} and a {@code credential}; a STUN server carries neither.
 *
 * <p>{@link #toString()} hides the credential, so a server can be logged.
 *
 * @param urls the server's URLs ({@code stun:}, {@code turn:}, {@code turns:}), at least one, none blank
 */
public record IceServer(
        List<String> urls,
        @Nullable String username,
        @Nullable String credential) {

    public IceServer {
        Objects.requireNonNull(urls, "urls");
        if (urls.isEmpty()) {
            throw new IllegalArgumentException("urls: [] (expected: at least one URL)");
        }
        for (int i = 0; i < urls.size(); i++) {
            String url = urls.get(i);
            if (url == null || url.isBlank()) {
                throw new IllegalArgumentException("urls[" + i + "]: " + (url == null ? "null" : "\"" + url + "\"")
                        + " (expected: a non-blank URL)");
            }
        }
        urls = List.copyOf(urls);
    }

    /** A server reached at {@code url} without credentials, such as {@link IceServers#GOOGLE_STUN}. */
    public static IceServer of(String url) {
        return new IceServer(List.of(Objects.requireNonNull(url, "url")), null, null);
    }

    /**
     * Writes this server as the browser's {@code RTCIceServer}: {@code {"urls":[...],"username":...,"credential":...}},
     * without the fields that are {@code null}.
     */
    public ObjectNode toJson() {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        ArrayNode array = json.putArray("urls");
        urls.forEach(array::add);
        if (username != null) {
            json.put("username", username);
        }
        if (credential != null) {
            json.put("credential", credential);
        }
        return json;
    }

    @Override
    public String toString() {
        // A TURN credential is a secret that must not reach a log line through string concatenation.
        return "IceServer[urls=" + urls + ", username=" + username + ", credential="
                + (credential == null ? "null" : "***") + "]";
    }
}
