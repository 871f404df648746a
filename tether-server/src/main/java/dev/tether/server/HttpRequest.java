package dev.tether.server;

import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A plain HTTP request that reached an {@link HttpEndpoint} on the server's port.
 *
 * @param method the upper-case method, e.g. {@code GET}
 * @param path the decoded path without the query string
 * @param query the decoded query parameters
 * @param headers the headers, names in lower case; repeated headers joined with {@code ", "}
 * @param body the request body (bounded by {@link ServerConfig#maxHttpRequestBytes()})
 */
public record HttpRequest(
        String method,
        String path,
        Map<String, List<String>> query,
        Map<String, String> headers,
        byte[] body,
        InetSocketAddress remoteAddress) {

    public HttpRequest {
        query = Map.copyOf(query);
        headers = Map.copyOf(headers);
    }

    /** The header {@code name} (in any case), or {@code null} when the request has none. */
    public @Nullable String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    /** The first value of the query parameter {@code name}, or {@code null} when the request has none. */
    public @Nullable String queryParameter(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /**
     * The cookies of the {@code Cookie} header by name (the first of a repeated name), parsed leniently as browsers
     * send them; empty without the header.
     */
    public Map<String, String> cookies() {
        String header = headers.get("cookie");
        if (header == null) {
            return Map.of();
        }
        Map<String, String> cookies = new LinkedHashMap<>();
        for (Cookie cookie : ServerCookieDecoder.LAX.decodeAll(header)) {
            cookies.putIfAbsent(cookie.name(), cookie.value());
        }
        return cookies;
    }
}
