package dev.tether.server;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

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
}
