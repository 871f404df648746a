package dev.tether.server;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The answer of an {@link HttpEndpoint}.
 *
 * @param headers extra headers; {@code content-type} and {@code content-length} are set from the other fields
 */
public record HttpResponse(int status, String contentType, byte[] body, Map<String, String> headers) {

    public HttpResponse {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("status: " + status + " (expected: 100..599)");
        }
        headers = Map.copyOf(headers);
    }

    /** A response with a UTF-8 {@code text/plain} body. */
    public static HttpResponse text(int status, String text) {
        return new HttpResponse(status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    /** A response whose body is already-encoded JSON. */
    public static HttpResponse json(int status, String json) {
        return new HttpResponse(status, "application/json", json.getBytes(StandardCharsets.UTF_8), Map.of());
    }
}
