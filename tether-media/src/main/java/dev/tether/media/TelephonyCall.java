package dev.tether.media;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Objects;

/**
 * A phone call as {@link TelephonyDetection} read it from the provider's start message. Text fields the provider did not
 * send are "".
 *
 * @param provider who streams the call
 * @param streamId the media stream's id (Twilio {@code streamSid}, Telnyx {@code stream_id}, Plivo {@code streamId},
 *     Exotel {@code stream_sid}), sent back with the outbound messages
 * @param callId the call's id (Twilio {@code callSid}, Telnyx {@code call_control_id}, Plivo {@code callId}, Exotel
 *     {@code call_sid}), which the hang-up names
 * @param accountSid the account the call belongs to, when the start message names it (Twilio, Exotel)
 * @param from the caller's number, when the start message carries it (Twilio: the {@code from_number} custom
 *     parameter)
 * @param to the called number, when the start message carries it (Twilio: the {@code to_number} custom parameter)
 * @param customParameters the parameters the application attached to the stream (Twilio {@code customParameters},
 *     Exotel {@code custom_parameters}), values as text
 * @param mediaEncoding Telnyx's {@code start.media_format.encoding} ({@code PCMU} or {@code PCMA}), the law of the
 *     audio it sends
 * @param startMessage the whole message the call was detected from, for what the fields above leave out
 */
public record TelephonyCall(
        TelephonyProvider provider,
        String streamId,
        String callId,
        String accountSid,
        String from,
        String to,
        Map<String, String> customParameters,
        String mediaEncoding,
        JsonNode startMessage) {

    /**
     * The key of the call in {@link MediaSession#attributes()}, set by the transport when the auto-detecting serializer
     * recognized it (see {@link TelephonyCallFrame}).
     */
    public static final String ATTRIBUTE = "dev.tether.media.TelephonyCall";

    public TelephonyCall {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(streamId, "streamId");
        Objects.requireNonNull(callId, "callId");
        Objects.requireNonNull(accountSid, "accountSid");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        customParameters = Map.copyOf(customParameters);
        Objects.requireNonNull(mediaEncoding, "mediaEncoding");
        startMessage = startMessage.deepCopy();
    }
}
