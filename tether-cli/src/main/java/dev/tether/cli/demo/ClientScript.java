package dev.tether.cli.demo;

import dev.tether.server.HttpEndpoint;
import dev.tether.server.HttpResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Serves one file of the TypeScript client's browser bundle (the {@code tether-client-js} jar, built from
 * {@code clients/typescript}) from the class path, read once: the demo page loads {@code /tether-client.js}.
 */
final class ClientScript {
    /** Where {@code tether-client-js} puts its browser bundle (the webjar layout Java web servers serve as is). */
    static final String RESOURCES = "META-INF/resources/tether-client/";

    private ClientScript() {}

    /**
     * Answers GET and HEAD with the resource {@code file} of the bundle, anything else with 405.
     *
     * @throws IllegalStateException if the bundle is not on the class path (a build without clients/typescript)
     */
    static HttpEndpoint endpoint(String file, String contentType) {
        byte[] body = read(RESOURCES + file);
        HttpResponse ok = new HttpResponse(200, contentType, body, Map.of("cache-control", "no-cache"));
        HttpResponse notAllowed = new HttpResponse(
                405,
                "text/plain; charset=utf-8",
                "Method not allowed: only GET and HEAD serve the client script.".getBytes(),
                Map.of("allow", "GET, HEAD"));
        return request -> CompletableFuture.completedFuture(
                request.method().equals("GET") || request.method().equals("HEAD") ? ok : notAllowed);
    }

    private static byte[] read(String resource) {
        try (InputStream in = ClientScript.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(
                        "resource: " + resource
                                + " (expected: on the class path, from the tether-client-js jar that clients/typescript builds)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + resource, e);
        }
    }
}
