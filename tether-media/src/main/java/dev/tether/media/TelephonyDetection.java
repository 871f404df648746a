package dev.tether.media;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells which telephony provider streams a call from the first text messages of its WebSocket, as pipecat's runner
 * does, and reads the call's ids from them. Every provider sends its start message first or second (Twilio and
 * Plivo open with {@code connected}), so the transport reads up to {@link #HANDSHAKE_MESSAGES} text messages, then:
 *
 * <pre>{@code
 * TelephonyCall call = TelephonyDetection.detect(firstMessages);
 * FrameSerializer serializer = FrameSerializers.telephony(call, TelephonyOptions.fromEnvironment());
 * }</pre>
 *
 * <p>A message is recognized by its shape: Twilio {@code event:"start"} with {@code start.streamSid} and
 * {@code start.callSid}; Telnyx a top-level {@code stream_id} with {@code start.call_control_id}; Plivo
 * {@code start.streamId} with {@code start.callId}; Exotel {@code event:"start"} with {@code start.stream_sid},
 * {@code start.call_sid} and {@code start.account_sid}. The first message that matches wins. Stateless and
 * thread-safe; the messages may be hostile and never make it throw anything but {@link TelephonyDetectionException}.
 */
public final class TelephonyDetection {
    /** How many messages detection looks at; later ones are ignored. */
    public static final int HANDSHAKE_MESSAGES = 2;

    /** The error when a call's socket closed before its first message, pipecat's text. */
    public static final String CLOSED_EARLY = "WebSocket closed before receiving telephony handshake messages";

    private static final Logger log = LoggerFactory.getLogger(TelephonyDetection.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private TelephonyDetection() {}

    /**
     * The call the first messages describe.
     *
     * @param messages the text messages received first, in order: two, or one when the socket closed after it (then
     *     a warning is logged and detection uses it alone); more than two are ignored
     * @throws TelephonyDetectionException {@code WebSocket closed before receiving telephony handshake messages} when
     *     {@code messages} is empty, {@code Unsupported telephony provider: unknown. Supported providers: twilio,
     *     telnyx, plivo, exotel} when no message matches
     */
    public static TelephonyCall detect(List<String> messages) {
        if (messages.isEmpty()) {
            throw new TelephonyDetectionException(CLOSED_EARLY);
        }
        if (messages.size() == 1) {
            log.warn("Only received one WebSocket message, expected two");
        }
        int count = Math.min(messages.size(), HANDSHAKE_MESSAGES);
        for (int i = 0; i < count; i++) {
            JsonNode message = parse(messages.get(i));
            TelephonyProvider provider = providerOf(message);
            if (provider != null) {
                log.debug("Detected telephony provider {} from message {}", provider.wireName(), i + 1);
                return callOf(provider, message);
            }
        }
        log.warn("Could not auto-detect the telephony provider");
        throw new TelephonyDetectionException(
                "Unsupported telephony provider: unknown. Supported providers: twilio, telnyx, plivo, exotel");
    }

    /**
     * The call {@code message} starts, when it is one provider's start message; {@code null} for anything else (a
     * {@code connected} event, media, text that is not JSON). Logs nothing and never throws: for a transport that
     * detects as soon as a message identifies the provider.
     */
    public static @Nullable TelephonyCall recognize(String message) {
        JsonNode json = parse(message);
        TelephonyProvider provider = providerOf(json);
        return provider == null ? null : callOf(provider, json);
    }

    /** The provider whose start message {@code message} is, or {@code null}. */
    static @Nullable TelephonyProvider providerOf(JsonNode message) {
        JsonNode start = message.path("start");
        boolean startEvent = "start".equals(message.path("event").textValue());
        if (startEvent && start.has("streamSid") && start.has("callSid")) {
            return TelephonyProvider.TWILIO;
        }
        if (message.has("stream_id") && start.has("call_control_id")) {
            return TelephonyProvider.TELNYX;
        }
        if (start.has("streamId") && start.has("callId")) {
            return TelephonyProvider.PLIVO;
        }
        if (startEvent && start.has("stream_sid") && start.has("call_sid") && start.has("account_sid")) {
            return TelephonyProvider.EXOTEL;
        }
        return null;
    }

    private static TelephonyCall callOf(TelephonyProvider provider, JsonNode message) {
        JsonNode start = message.path("start");
        switch (provider) {
            case TWILIO: {
                Map<String, String> parameters = textMap(start.path("customParameters"));
                return new TelephonyCall(
                        provider,
                        text(start, "streamSid"),
                        text(start, "callSid"),
                        text(start, "accountSid"),
                        parameters.getOrDefault("from_number", ""),
                        parameters.getOrDefault("to_number", ""),
                        parameters,
                        "",
                        message);
            }
            case TELNYX:
                return new TelephonyCall(
                        provider,
                        text(message, "stream_id"),
                        text(start, "call_control_id"),
                        "",
                        text(start, "from"),
                        text(start, "to"),
                        Map.of(),
                        text(start.path("media_format"), "encoding"),
                        message);
            case PLIVO:
                return new TelephonyCall(
                        provider,
                        text(start, "streamId"),
                        text(start, "callId"),
                        text(start, "accountId"),
                        text(start, "from"),
                        text(start, "to"),
                        Map.of(),
                        "",
                        message);
            case EXOTEL:
            default:
                return new TelephonyCall(
                        provider,
                        text(start, "stream_sid"),
                        text(start, "call_sid"),
                        text(start, "account_sid"),
                        text(start, "from"),
                        text(start, "to"),
                        textMap(start.path("custom_parameters")),
                        "",
                        message);
        }
    }

    private static JsonNode parse(String text) {
        try {
            JsonNode node = MAPPER.readTree(text);
            return node != null && node.isObject() ? node : MissingNode.getInstance();
        } catch (JsonProcessingException e) {
            return MissingNode.getInstance();
        }
    }

    /** A scalar field as text; "" when absent, null or a container. */
    private static String text(JsonNode node, String name) {
        JsonNode value = node.path(name);
        return value.isValueNode() && !value.isNull() ? value.asText() : "";
    }

    private static Map<String, String> textMap(JsonNode object) {
        Map<String, String> map = new LinkedHashMap<>();
        object.fields().forEachRemaining(entry -> {
            JsonNode value = entry.getValue();
            map.put(entry.getKey(), value.isNull() ? "" : value.isValueNode() ? value.asText() : value.toString());
        });
        return map;
    }
}
