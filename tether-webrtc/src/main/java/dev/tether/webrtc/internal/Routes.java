package dev.tether.webrtc.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.server.HttpEndpoint;
import dev.tether.server.HttpRequest;
import dev.tether.server.HttpResponse;
import dev.tether.webrtc.IceServer;
import dev.tether.webrtc.IceServers;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP surface of pipecat's development runner for SmallWebRTC: {@code POST/PATCH /api/offer}, {@code POST
 * /start}, {@code /sessions/{id}/...} and {@code GET /status}. Bodies are parsed here; the rules live in {@link
 * Signaling}.
 */
public final class Routes {
    private static final Logger log = LoggerFactory.getLogger(Routes.class);

    /** Sessions {@code /start} remembers; the oldest is forgotten past this. */
    static final int MAX_SESSIONS = 10_000;

    private final Signaling signaling;
    private final Set<String> corsOrigins;
    private final Map<UUID, JsonNode> sessions = new LinkedHashMap<>(); // guarded by itself

    public Routes(Signaling signaling) {
        this.signaling = signaling;
        this.corsOrigins = signaling.config().corsOrigins();
    }

    /**
     * {@code endpoint} with CORS for the configured origins: a preflight {@code OPTIONS} from one is answered 204, and
     * every answer to one carries {@code access-control-allow-origin}; other origins get no CORS headers, so the
     * browser keeps their pages out.
     */
    public HttpEndpoint withCors(HttpEndpoint endpoint) {
        return request -> {
            String origin = request.headers().get("origin");
            boolean allowed = origin != null && (corsOrigins.contains("*") || corsOrigins.contains(origin));
            if (!allowed) {
                return endpoint.handle(request);
            }
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("access-control-allow-origin", origin);
            headers.put("vary", "origin");
            if (request.method().equals("OPTIONS")) {
                headers.put("access-control-allow-methods", "GET, POST, PATCH, OPTIONS");
                String asked = request.headers().get("access-control-request-headers");
                headers.put("access-control-allow-headers", asked == null ? "content-type" : asked);
                headers.put("access-control-max-age", "600");
                return done(new HttpResponse(204, "text/plain", new byte[0], headers));
            }
            return endpoint.handle(request).thenApply(response -> {
                Map<String, String> all = new LinkedHashMap<>(response.headers());
                all.putAll(headers);
                return new HttpResponse(response.status(), response.contentType(), response.body(), all);
            });
        };
    }

    /** {@code POST} an offer, {@code PATCH} candidates. */
    public HttpEndpoint offer() {
        return request -> switch (request.method()) {
            case "POST" -> offered(System.nanoTime(), offer(request, startBody(request)));
            case "PATCH" -> patched(System.nanoTime(), patch(request));
            default -> methodNotAllowed();
        };
    }

    /** {@code POST /start}: a session id and the ICE configuration for the client. */
    public HttpEndpoint start() {
        return request -> {
            if (!request.method().equals("POST")) {
                return methodNotAllowed();
            }
            SignalingBodies.Start start;
            try {
                start = SignalingBodies.start(request.body());
            } catch (SignalingBodies.Invalid e) {
                return done(HttpResponse.json(422, e.detailJson()));
            }
            String transport = start.transport();
            if (transport != null && !transport.equals("webrtc")) {
                return done(HttpResponse.json(
                        400,
                        SignalingBodies.detail("Transport '" + transport + "' is not enabled (expected: webrtc)")));
            }
            UUID id = UUID.randomUUID();
            JsonNode body = start.body();
            remember(id, body == null ? JsonNodeFactory.instance.nullNode() : body);
            ObjectNode answer = JsonNodeFactory.instance.objectNode();
            answer.put("sessionId", id.toString());
            ArrayNode servers = answer.putObject("iceConfig").putArray("iceServers");
            List<IceServer> configured = signaling.currentIceServers();
            if (!configured.isEmpty()) {
                configured.forEach(server -> servers.add(server.toJson()));
            } else if (start.enableDefaultIceServers()) {
                servers.add(IceServer.of(IceServers.GOOGLE_STUN).toJson());
            }
            return done(HttpResponse.json(200, answer.toString()));
        };
    }

    /** {@code /sessions/{id}/{path}}: the offer routes of a session {@code /start} made; other paths answer empty. */
    public HttpEndpoint sessions() {
        return request -> {
            String rest = request.path().substring("/sessions/".length());
            int slash = rest.indexOf('/');
            String idText = slash < 0 ? rest : rest.substring(0, slash);
            String path = slash < 0 ? "" : rest.substring(slash + 1);
            long start = System.nanoTime();
            JsonNode startBody = session(idText);
            boolean offerPath = path.endsWith("api/offer");
            if (startBody == null) {
                CompletionStage<HttpResponse> notFound =
                        done(HttpResponse.json(404, SignalingBodies.detail("Invalid or not-yet-ready session_id")));
                return offerPath && request.method().equals("POST") ? offered(start, notFound) : notFound;
            }
            if (!offerPath) {
                return done(new HttpResponse(200, "application/json", new byte[0], Map.of()));
            }
            return switch (request.method()) {
                case "POST" -> offered(start, offer(request, startBody).thenApply(Routes::invalidAs400));
                case "PATCH" -> patched(start, patch(request).thenApply(Routes::invalidAs400));
                default -> methodNotAllowed();
            };
        };
    }

    /** {@code GET /status}. */
    public HttpEndpoint status() {
        return request -> request.method().equals("GET") || request.method().equals("HEAD")
                ? done(HttpResponse.json(200, "{\"status\":\"ready\",\"transports\":[\"webrtc\"]}"))
                : methodNotAllowed();
    }

    /** Counts an offer that arrived at {@code start} ({@link System#nanoTime()}) and its answer's status and time. */
    private CompletionStage<HttpResponse> offered(long start, CompletionStage<HttpResponse> answer) {
        SignalingMeters m = signaling.meters();
        if (m == null) {
            return answer;
        }
        m.offerReceived();
        return answer.thenApply(response -> {
            m.offerAnswered(response.status(), System.nanoTime() - start);
            return response;
        });
    }

    /** Times a PATCH of candidates that arrived at {@code start}. */
    private CompletionStage<HttpResponse> patched(long start, CompletionStage<HttpResponse> answer) {
        SignalingMeters m = signaling.meters();
        if (m == null) {
            return answer;
        }
        return answer.thenApply(response -> {
            m.patchAnswered(System.nanoTime() - start);
            return response;
        });
    }

    private CompletionStage<HttpResponse> offer(HttpRequest request, @Nullable JsonNode startBody) {
        SignalingBodies.Offer offer;
        try {
            offer = SignalingBodies.offer(request.body());
        } catch (SignalingBodies.Invalid e) {
            return done(HttpResponse.json(422, e.detailJson()));
        }
        if (offer.requestData() == null && startBody != null && !startBody.isNull()) {
            offer = new SignalingBodies.Offer(offer.sdp(), offer.type(), offer.pcId(), offer.restartPc(), startBody);
        }
        return signaling
                .offer(offer, request)
                .thenApply(answer -> HttpResponse.json(200, answer))
                .exceptionally(Routes::failure);
    }

    private CompletionStage<HttpResponse> patch(HttpRequest request) {
        SignalingBodies.Patch patch;
        try {
            patch = SignalingBodies.patch(request.body());
        } catch (SignalingBodies.Invalid e) {
            return done(HttpResponse.json(422, e.detailJson()));
        }
        return signaling
                .patch(patch)
                .thenApply(ignored -> HttpResponse.json(200, "{\"status\":\"success\"}"))
                .exceptionally(Routes::failure);
    }

    /** The runner answers a session route's unparsable body with 400, not 422. */
    private static HttpResponse invalidAs400(HttpResponse response) {
        return response.status() == 422
                ? HttpResponse.json(400, SignalingBodies.detail("Invalid WebRTC request"))
                : response;
    }

    private static HttpResponse failure(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof Refusal refusal) {
            return HttpResponse.json(refusal.status(), refusal.body());
        }
        log.error("WebRTC signaling failed", cause);
        return HttpResponse.json(500, SignalingBodies.detail(String.valueOf(cause.getMessage())));
    }

    private @Nullable JsonNode startBody(HttpRequest request) {
        List<String> id = request.query().get("session_id");
        return id == null || id.isEmpty() ? null : session(id.get(0));
    }

    private void remember(UUID id, JsonNode body) {
        synchronized (sessions) {
            sessions.put(id, body);
            if (sessions.size() > MAX_SESSIONS) {
                sessions.remove(sessions.keySet().iterator().next());
            }
        }
    }

    private @Nullable JsonNode session(String idText) {
        UUID id;
        try {
            id = UUID.fromString(idText);
        } catch (IllegalArgumentException e) {
            return null;
        }
        synchronized (sessions) {
            return sessions.get(id);
        }
    }

    private static CompletionStage<HttpResponse> methodNotAllowed() {
        return done(HttpResponse.json(405, SignalingBodies.detail("Method Not Allowed")));
    }

    private static CompletionStage<HttpResponse> done(HttpResponse response) {
        return CompletableFuture.completedFuture(response);
    }
}
