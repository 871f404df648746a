package dev.tether.webrtc.internal;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Reads the JSON bodies of the signaling routes and writes their answers. A body that does not fit gives
 * {@link Invalid}, whose {@link Invalid#detailJson()} is the 422 body FastAPI would send for it: every field error,
 * not just the first. Bodies come from the network, so no input makes these methods throw anything else.
 *
 * <p>Types are strict: a string field takes a JSON string, a boolean a JSON boolean, an integer a JSON integer that
 * fits in an {@code int} (pydantic's lax mode would also turn {@code "true"} or {@code 1.0} into one; the clients
 * never send those). Unknown fields are ignored, as pydantic does.
 */
public final class SignalingBodies {
    private static final ObjectMapper MAPPER =
            new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private SignalingBodies() {}

    /**
     * The body of {@code POST /api/offer}: {@code {"sdp": S, "type": T, "pc_id": ID|null, "restart_pc": bool|null,
     * "request_data": any}}.
     *
     * @param pcId the connection to renegotiate; {@code null} for a new one
     * @param restartPc whether to replace the peer connection of {@code pcId} by a fresh one ({@code false} when
     *     absent or {@code null})
     * @param requestData {@code request_data}, or the browser client's {@code requestData} when {@code request_data}
     *     is absent; {@code null} when neither is there or the value is JSON {@code null}
     */
    public record Offer(
            String sdp,
            String type,
            @Nullable String pcId,
            boolean restartPc,
            @Nullable JsonNode requestData) {
        public Offer {
            Objects.requireNonNull(sdp, "sdp");
            Objects.requireNonNull(type, "type");
        }
    }

    /**
     * One trickled ICE candidate: {@code {"candidate": C, "sdp_mid": M, "sdp_mline_index": I}}.
     *
     * @param candidate the {@code candidate:...} attribute, or {@code ""} for the end of candidates
     */
    public record Candidate(
            String candidate,
            @Nullable String sdpMid,
            @Nullable Integer sdpMLineIndex) {
        public Candidate {
            Objects.requireNonNull(candidate, "candidate");
        }

        /**
         * Whether this is the end-of-candidates marker (an empty candidate, RFC 8840), which Firefox sends once per
         * media section: the peer learns there are no more candidates and the rest of the batch still applies.
         */
        public boolean endOfCandidates() {
            return candidate.isEmpty();
        }
    }

    /** The body of {@code PATCH /api/offer}: {@code {"pc_id": ID, "candidates": [...]}}, the browser's batch. */
    public record Patch(String pcId, List<Candidate> candidates) {
        public Patch {
            Objects.requireNonNull(pcId, "pcId");
            candidates = List.copyOf(candidates);
        }
    }

    /**
     * The body of {@code POST /start}: {@code {"transport": T, "enableDefaultIceServers": bool, "body": any}}, every
     * field optional.
     *
     * @param transport the transport the client asks for, such as {@code webrtc}; {@code null} when absent
     * @param enableDefaultIceServers whether the answer offers {@code stun:stun.l.google.com:19302} when no ICE servers
     *     are configured
     * @param body the request data handed to the bot with the session's offer; {@code null} when absent or JSON null
     */
    public record Start(
            @Nullable String transport,
            boolean enableDefaultIceServers,
            @Nullable JsonNode body) {}

    /**
     * A body that does not fit its route: the server answers 422 with {@link #detailJson()}. The message summarizes
     * the same errors for a log line.
     */
    public static final class Invalid extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        private final String detailJson;

        Invalid(String message, String detailJson) {
            super(message);
            this.detailJson = detailJson;
        }

        /**
         * The 422 body in FastAPI's (pydantic v2) form, such as
         * {@code {"detail":[{"type":"missing","loc":["body","sdp"],"msg":"Field required"}]}}.
         */
        public String detailJson() {
            return detailJson;
        }
    }

    /**
     * Reads an offer.
     *
     * @throws Invalid when the body is empty, not JSON, not an object, or a field is missing or of the wrong type
     */
    public static Offer offer(byte[] body) {
        Errors errors = new Errors("offer");
        JsonNode root = read(body, errors, false);
        Fields fields = new Fields(root, errors, List.of());
        String sdp = fields.requiredString("sdp");
        String type = fields.requiredString("type");
        String pcId = fields.optionalString("pc_id");
        boolean restartPc = fields.optionalBoolean("restart_pc");
        // Absent, not null: an explicit "request_data": null means no request data, whatever requestData says.
        JsonNode requestData =
                root.has("request_data") ? fields.optionalAny("request_data") : fields.optionalAny("requestData");
        errors.throwIfAny();
        return new Offer(sdp, type, pcId, restartPc, requestData);
    }

    /**
     * Reads a batch of trickled candidates.
     *
     * @throws Invalid when the body is empty, not JSON, not an object, or a field (of the batch or of a candidate) is
     *     missing or of the wrong type
     */
    public static Patch patch(byte[] body) {
        Errors errors = new Errors("patch");
        JsonNode root = read(body, errors, false);
        Fields fields = new Fields(root, errors, List.of());
        String pcId = fields.requiredString("pc_id");
        List<Candidate> candidates = new ArrayList<>();
        JsonNode array = root.get("candidates");
        if (array == null) {
            errors.missing(List.of("candidates"));
        } else if (!array.isArray()) {
            errors.add("list_type", "Input should be a valid list", List.of("candidates"));
        } else {
            for (int i = 0; i < array.size(); i++) {
                JsonNode item = array.get(i);
                List<Object> loc = List.of("candidates", i);
                if (!item.isObject()) {
                    errors.add("dict_type", "Input should be a valid dictionary", loc);
                    continue;
                }
                Fields candidate = new Fields(item, errors, loc);
                candidates.add(new Candidate(
                        candidate.requiredString("candidate"),
                        candidate.optionalString("sdp_mid"),
                        candidate.optionalInt("sdp_mline_index")));
            }
        }
        errors.throwIfAny();
        return new Patch(pcId, candidates);
    }

    /**
     * Reads the body of {@code /start}; an empty body (no bytes, or only whitespace) is the empty object, since the
     * client may send none.
     *
     * @throws Invalid when the body is not JSON, not an object, or a field is of the wrong type
     */
    public static Start start(byte[] body) {
        Errors errors = new Errors("start");
        JsonNode root = read(body, errors, true);
        Fields fields = new Fields(root, errors, List.of());
        String transport = fields.optionalString("transport");
        boolean enableDefaultIceServers = fields.optionalBoolean("enableDefaultIceServers");
        JsonNode data = fields.optionalAny("body");
        errors.throwIfAny();
        return new Start(transport, enableDefaultIceServers, data);
    }

    /** The answer to an offer: {@code {"sdp": S, "type": T, "pc_id": ID}}, {@code type} normally {@code answer}. */
    public static String answerJson(String sdp, String type, String pcId) {
        ObjectNode answer = MAPPER.createObjectNode();
        answer.put("sdp", sdp);
        answer.put("type", type);
        answer.put("pc_id", pcId);
        return write(answer);
    }

    /** The body of a 400 or 404 answer: {@code {"detail": message}}, the message escaped as a JSON string. */
    public static String detail(String message) {
        ObjectNode detail = MAPPER.createObjectNode();
        detail.put("detail", message);
        return write(detail);
    }

    /** The body's JSON object; anything else has been recorded in {@code errors} and thrown. */
    private static JsonNode read(byte[] body, Errors errors, boolean emptyIsObject) {
        Objects.requireNonNull(body, "body");
        JsonNode root;
        try {
            root = MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            errors.jsonInvalid(position(body, e.getLocation()));
            throw errors.invalid();
        } catch (IOException | RuntimeException e) {
            // An IOException without a location comes from the decoding of UTF-16/32 input (CharConversionException);
            // a RuntimeException would be a parser bug. Either way the client sent bytes that are not our JSON, and
            // that is a 422 for it, not a 500 from the server.
            errors.jsonInvalid(null);
            throw errors.invalid();
        }
        if (root == null || root.isMissingNode()) {
            if (emptyIsObject) {
                return MAPPER.createObjectNode();
            }
            // FastAPI's answer to a required body that was not sent.
            errors.missing(List.of());
            throw errors.invalid();
        }
        if (!root.isObject()) {
            errors.add("dict_type", "Input should be a valid dictionary", List.of());
            throw errors.invalid();
        }
        return root;
    }

    /**
     * Where the parser gave up, counted in characters as Python's {@code json} module counts them, or {@code null}
     * when the parser did not say.
     */
    private static @Nullable Long position(byte[] body, @Nullable JsonLocation location) {
        if (location == null) {
            return null;
        }
        long bytes = location.getByteOffset();
        if (bytes >= 0) {
            int end = (int) Math.min(bytes, body.length);
            String prefix = new String(body, 0, end, StandardCharsets.UTF_8);
            return (long) prefix.codePointCount(0, prefix.length());
        }
        long chars = location.getCharOffset();
        return chars >= 0 ? chars : null;
    }

    private static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree did not write", e);
        }
    }

    /** The field errors of one body, in the order pydantic reports them: the fields' order, depth first. */
    private static final class Errors {
        private final String route;
        private final ArrayNode detail = MAPPER.createArrayNode();
        private final List<String> summaries = new ArrayList<>();

        Errors(String route) {
            this.route = route;
        }

        void add(String type, String msg, List<?> loc) {
            add(type, msg, loc, null);
        }

        /** Records one error; {@code summary} replaces the usual {@code loc: msg} in the exception's message. */
        void add(String type, String msg, List<?> loc, @Nullable String summary) {
            ObjectNode error = detail.addObject();
            error.put("type", type);
            ArrayNode array = error.putArray("loc");
            array.add("body");
            StringBuilder where = new StringBuilder();
            for (Object part : loc) {
                if (part instanceof Integer index) {
                    array.add(index);
                } else if (part instanceof Long index) {
                    array.add(index);
                } else {
                    array.add((String) part);
                }
                where.append(where.length() == 0 ? "" : ".").append(part);
            }
            error.put("msg", msg);
            summaries.add(summary != null ? summary : (where.length() == 0 ? "body" : where.toString()) + ": " + msg);
        }

        void missing(List<?> loc) {
            add("missing", "Field required", loc);
        }

        void jsonInvalid(@Nullable Long position) {
            if (position == null) {
                add("json_invalid", "JSON decode error", List.of());
            } else {
                add(
                        "json_invalid",
                        "JSON decode error",
                        List.of(position),
                        "body: JSON decode error at char " + position);
            }
        }

        Invalid invalid() {
            String message = route + " body: " + summaries.size() + (summaries.size() == 1 ? " error" : " errors")
                    + " (" + String.join("; ", summaries) + ")";
            ObjectNode body = MAPPER.createObjectNode();
            body.set("detail", detail);
            return new Invalid(message, write(body));
        }

        void throwIfAny() {
            if (!detail.isEmpty()) {
                throw invalid();
            }
        }
    }

    /**
     * The fields of one JSON object, each read with its check; a failed check records its error and gives a
     * placeholder, so that every field is checked before the body is refused.
     */
    private static final class Fields {
        private final JsonNode object;
        private final Errors errors;
        private final List<Object> loc;

        Fields(JsonNode object, Errors errors, List<Object> loc) {
            this.object = object;
            this.errors = errors;
            this.loc = loc;
        }

        String requiredString(String name) {
            JsonNode value = object.get(name);
            if (value == null) {
                errors.missing(loc(name));
                return "";
            }
            if (!value.isTextual()) {
                errors.add("string_type", "Input should be a valid string", loc(name));
                return "";
            }
            return value.textValue();
        }

        @Nullable
        String optionalString(String name) {
            JsonNode value = object.get(name);
            if (value == null || value.isNull()) {
                return null;
            }
            if (!value.isTextual()) {
                errors.add("string_type", "Input should be a valid string", loc(name));
                return null;
            }
            return value.textValue();
        }

        boolean optionalBoolean(String name) {
            JsonNode value = object.get(name);
            if (value == null || value.isNull()) {
                return false;
            }
            if (!value.isBoolean()) {
                errors.add("bool_type", "Input should be a valid boolean", loc(name));
                return false;
            }
            return value.booleanValue();
        }

        @Nullable
        Integer optionalInt(String name) {
            JsonNode value = object.get(name);
            if (value == null || value.isNull()) {
                return null;
            }
            if (!value.isIntegralNumber() || !value.canConvertToInt()) {
                errors.add("int_type", "Input should be a valid integer", loc(name));
                return null;
            }
            return value.intValue();
        }

        @Nullable
        JsonNode optionalAny(String name) {
            JsonNode value = object.get(name);
            return value == null || value.isNull() ? null : value;
        }

        private List<Object> loc(String name) {
            List<Object> path = new ArrayList<>(loc);
            path.add(name);
            return path;
        }
    }
}
