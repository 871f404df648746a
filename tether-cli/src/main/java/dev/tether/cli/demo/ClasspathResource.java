package dev.tether.cli.demo;

import dev.tether.server.HttpEndpoint;
import dev.tether.server.HttpResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Serves one class-path resource, read once, at a path of its own: the TypeScript client's browser bundle (from the
 * {@code tether-client-js} jar, built from {@code clients/typescript}), which the demo page loads from
 * {@code /tether-client.js}, and the admin page, which is served only when it is turned on.
 */
final class ClasspathResource {
    /** Where {@code tether-client-js} puts its browser bundle (the webjar layout Java web servers serve as is). */
    static final String CLIENT_BUNDLE = "META-INF/resources/tether-client/";

    private ClasspathResource() {}

    /**
     * Answers GET and HEAD with {@code resource}, anything else with 405.
     *
     * @throws IllegalStateException if the resource is not on the class path (for the bundle: a build without
     *     clients/typescript)
     */
    static HttpEndpoint endpoint(String resource, String contentType) {
        byte[] body = read(resource);
        HttpResponse ok = new HttpResponse(200, contentType, body, Map.of("cache-control", "no-cache"));
        HttpResponse notAllowed = new HttpResponse(
                405,
                "text/plain; charset=utf-8",
                "Method not allowed: only GET and HEAD serve this file.".getBytes(),
                Map.of("allow", "GET, HEAD"));
        return request -> CompletableFuture.completedFuture(
                request.method().equals("GET") || request.method().equals("HEAD") ? ok : notAllowed);
    }

    private static byte[] read(String resource) {
        try (InputStream in = ClasspathResource.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("resource: " + resource
                        + " (expected: on the class path; the client's bundle comes from the tether-client-js jar that"
                        + " clients/typescript builds)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + resource, e);
        }
    }
}
