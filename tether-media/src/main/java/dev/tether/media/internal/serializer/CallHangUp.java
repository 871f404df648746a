package dev.tether.media.internal.serializer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tether.core.TetherException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One call's hang-up through a provider's REST API, sent at most once. {@link #start()} only queues the request on
 * the JDK HTTP client, whose own threads send it and read the answer, because serializers run on an event loop; the
 * outcome is logged there and completes {@link #completion()}.
 */
final class CallHangUp {
    private static final Logger log = LoggerFactory.getLogger(CallHangUp.class);

    /** How a provider's answer reads. */
    enum Outcome {
        HUNG_UP,
        ALREADY_ENDED,
        FAILED
    }

    /** Reads a provider's answer: status and body. */
    interface AnswerReader {
        Outcome read(int status, String body);
    }

    private final String call;
    private final HttpRequest request;
    private final Duration timeout;
    private final AnswerReader reader;
    private final CompletableFuture<Void> completion = new CompletableFuture<>();
    private boolean started;

    /**
     * @param call the call as logs name it, such as {@code Twilio call CA123}
     */
    CallHangUp(String call, HttpRequest request, Duration timeout, AnswerReader reader) {
        this.call = call;
        this.request = request;
        this.timeout = timeout;
        this.reader = reader;
    }

    /** A hang-up that is never sent: auto hang-up is off. Its completion is already complete. */
    static CompletionStage<Void> disabled() {
        return CompletableFuture.<Void>completedFuture(null).minimalCompletionStage();
    }

    /** Sends the request unless it was sent before; returns at once. */
    void start() {
        if (started) {
            return;
        }
        started = true;
        log.debug("Hanging up {}: {} {}", call, request.method(), request.uri());
        HttpClients.shared()
                .sendAsync(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
                .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete(this::answered);
    }

    CompletionStage<Void> completion() {
        return completion.minimalCompletionStage();
    }

    private void answered(@Nullable HttpResponse<String> response, @Nullable Throwable error) {
        if (response == null) {
            Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                    ? error.getCause()
                    : error;
            String reason = cause instanceof TimeoutException || cause instanceof java.net.http.HttpTimeoutException
                    ? "no answer within " + timeout
                    : String.valueOf(cause);
            String message = "Failed to hang up " + call + ": " + reason;
            log.error(message);
            completion.completeExceptionally(new TetherException(message, cause));
            return;
        }
        String body = response.body();
        switch (reader.read(response.statusCode(), body)) {
            case HUNG_UP:
                log.info("Terminated {}", call);
                completion.complete(null);
                break;
            case ALREADY_ENDED:
                log.info("{} had already ended", call);
                completion.complete(null);
                break;
            case FAILED:
            default:
                String message = "Failed to terminate " + call + ": Status " + response.statusCode() + ", Response: "
                        + Json.excerpt(body);
                log.error(message);
                completion.completeExceptionally(new TetherException(message));
                break;
        }
    }

    // ---- the providers' requests and answers ----

    /** Twilio: {@code POST .../Calls/{callSid}.json}, {@code Status=completed}; a 404 with code 20404 is "ended". */
    static CallHangUp twilio(String baseUrl, String accountSid, String authToken, String callSid, Duration timeout) {
        URI uri = URI.create(
                baseUrl + "/2010-04-01/Accounts/" + segment(accountSid) + "/Calls/" + segment(callSid) + ".json");
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .header("Authorization", basic(accountSid, authToken))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("Status=completed"))
                .build();
        return new CallHangUp("Twilio call " + callSid, request, timeout, (status, body) -> {
            if (status / 100 == 2) {
                return Outcome.HUNG_UP;
            }
            JsonNode json = status == 404 ? Json.parse(body) : null;
            return json != null && json.path("code").asInt() == 20404 ? Outcome.ALREADY_ENDED : Outcome.FAILED;
        });
    }

    /** Telnyx: {@code POST /v2/calls/{id}/actions/hangup}, bearer key; an error with code 90018 is "ended". */
    static CallHangUp telnyx(String baseUrl, String apiKey, String callControlId, Duration timeout) {
        URI uri = URI.create(baseUrl + "/v2/calls/" + segment(callControlId) + "/actions/hangup");
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .header("Authorization", "Bearer " + apiKey)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.noBody())
                .build();
        return new CallHangUp("Telnyx call " + callControlId, request, timeout, (status, body) -> {
            if (status / 100 == 2) {
                return Outcome.HUNG_UP;
            }
            JsonNode json = Json.parse(body);
            if (json != null) {
                for (JsonNode error : json.path("errors")) {
                    if ("90018".equals(error.path("code").asText())) {
                        return Outcome.ALREADY_ENDED;
                    }
                }
            }
            return Outcome.FAILED;
        });
    }

    /** Plivo: {@code DELETE /v1/Account/{authId}/Call/{callId}/}, basic auth; a 404 is "ended". */
    static CallHangUp plivo(String baseUrl, String authId, String authToken, String callId, Duration timeout) {
        URI uri = URI.create(baseUrl + "/v1/Account/" + segment(authId) + "/Call/" + segment(callId) + "/");
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .header("Authorization", basic(authId, authToken))
                .DELETE()
                .build();
        return new CallHangUp("Plivo call " + callId, request, timeout, (status, body) -> {
            if (status / 100 == 2) {
                return Outcome.HUNG_UP;
            }
            return status == 404 ? Outcome.ALREADY_ENDED : Outcome.FAILED;
        });
    }

    private static String basic(String user, String password) {
        byte[] pair = (user + ":" + password).getBytes(StandardCharsets.UTF_8);
        return "Basic " + Base64.getEncoder().encodeToString(pair);
    }

    /**
     * {@code value} as one path segment: ids come from the call's start message, which anyone can send, so a
     * {@code /}, {@code ?} or {@code ..} in one must not reach another resource of the API.
     */
    static String segment(String value) {
        if (value.equals(".") || value.equals("..")) {
            return value.equals(".") ? "%2E" : "%2E%2E";
        }
        StringBuilder out = new StringBuilder(value.length());
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || "-._~:@".indexOf(c) >= 0) {
                out.append(c);
            } else {
                out.append('%').append(HEX[(b >> 4) & 0xf]).append(HEX[b & 0xf]);
            }
        }
        return out.toString();
    }

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    /** The JDK client every hang-up shares: it owns threads, so one per process, made on first use. */
    private static final class HttpClients {
        private static final HttpClient SHARED =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

        static HttpClient shared() {
            return SHARED;
        }
    }
}
