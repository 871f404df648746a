package dev.tether.media;

import dev.tether.media.internal.serializer.DetectingSerializer;
import dev.tether.media.internal.serializer.ExotelSerializer;
import dev.tether.media.internal.serializer.PlivoSerializer;
import dev.tether.media.internal.serializer.ProtobufSerializer;
import dev.tether.media.internal.serializer.TelnyxSerializer;
import dev.tether.media.internal.serializer.TwilioSerializer;
import dev.tether.media.internal.serializer.VonageSerializer;
import java.time.Duration;
import java.util.Objects;

/**
 * The serializers Tether ships: pipecat's protobuf format for its browser client, and the media streams of the
 * telephony providers. Each call returns a new instance for one connection (serializers keep per-call state such as
 * resampler history and whether the call was hung up).
 *
 * <p>Every telephony serializer converts inbound audio to {@link MediaRates#inputSampleRate()} and outbound audio from
 * each frame's own rate to the provider's (8 kHz, Vonage 16 kHz), gives a {@link DtmfFrame} for a valid key and
 * nothing for another, and drops transport messages labelled {@code rtvi-ai}. Those of Twilio, Telnyx and Plivo are
 * {@link HangUpSerializer}s.
 */
public final class FrameSerializers {
    static final Duration DEFAULT_HANG_UP_TIMEOUT = Duration.ofSeconds(10);

    private FrameSerializers() {}

    /** pipecat's protobuf format with the defaults: interruptions are sent. */
    public static FrameSerializer protobuf() {
        return protobuf(ProtobufOptions.defaults());
    }

    /** pipecat's protobuf format, binary frames of {@code pipecat.Frame}. */
    public static FrameSerializer protobuf(ProtobufOptions options) {
        return new ProtobufSerializer(options);
    }

    /** Twilio Media Streams: 8 kHz µ-law in JSON; hangs up by REST unless the options turned it off. */
    public static HangUpSerializer twilio(TwilioOptions options) {
        return new TwilioSerializer(options);
    }

    /** Telnyx media streaming: 8 kHz PCMU or PCMA in JSON; hangs up by REST unless the options turned it off. */
    public static HangUpSerializer telnyx(TelnyxOptions options) {
        return new TelnyxSerializer(options);
    }

    /** Plivo audio streaming: 8 kHz µ-law in JSON; hangs up by REST unless the options turned it off. */
    public static HangUpSerializer plivo(PlivoOptions options) {
        return new PlivoSerializer(options);
    }

    /** Exotel media streams: 8 kHz 16-bit PCM in JSON. */
    public static FrameSerializer exotel(ExotelOptions options) {
        return new ExotelSerializer(options);
    }

    /** Vonage Audio Connector at 16 kHz: binary PCM frames, JSON events. */
    public static FrameSerializer vonage() {
        return vonage(VonageOptions.defaults());
    }

    /** Vonage Audio Connector: binary PCM frames at the options' rate, JSON events. */
    public static FrameSerializer vonage(VonageOptions options) {
        return new VonageSerializer(options);
    }

    /**
     * The telephony route's serializer, for an endpoint every provider may call: it reads the provider and the call
     * from the first text messages (Twilio, Telnyx, Plivo, Exotel; see {@link TelephonyDetection}), then serializes as
     * {@link #telephony(TelephonyCall, TelephonyOptions)} does for that call.
     *
     * <pre>{@code
     * MediaEndpoint.builder("/ws", bot).serializer(() -> FrameSerializers.telephony(TelephonyOptions.fromEnvironment()))
     * }</pre>
     *
     * <ul>
     *   <li>Detection takes the first message that is a provider's start message, among the first two text messages
     *       ({@code connected} carries no call data). The handler's {@code onFrame} then gets a
     *       {@link TelephonyCallFrame}, and {@link MediaSession#attributes()} hold the call under
     *       {@link TelephonyCall#ATTRIBUTE}.
     *   <li>Until then the serializer is not {@link FrameSerializer#isReady() ready}: audio and messages the application
     *       writes (a greeting in {@code onConnect}) stay queued and go out, paced, once the provider is known; an
     *       interruption or an urgent message written before is dropped.
     *   <li>Neither message a start: the connection is closed with 1008 and {@code Unsupported telephony provider:
     *       unknown. Supported providers: twilio, telnyx, plivo, exotel}. A provider whose serializer cannot be made
     *       (auto hang-up on and credentials missing): closed with 1011 and the reason. Closed before any message: a
     *       warning {@code WebSocket closed before receiving telephony handshake messages}.
     * </ul>
     *
     * <p>It is a {@link HangUpSerializer} whose hang-up is the detected provider's (none for Exotel).
     */
    public static FrameSerializer telephony(TelephonyOptions options) {
        return new DetectingSerializer(Objects.requireNonNull(options, "options"));
    }

    /**
     * The serializer for a call {@link TelephonyDetection} recognized, with the provider's credentials from
     * {@code options}.
     *
     * @throws IllegalArgumentException when auto hang-up is on and the provider's credentials or the call's id are
     *     missing ({@code auto_hang_up is enabled but missing required parameters: ...}), when the call has no stream
     *     id, or when Telnyx streams a law other than PCMU or PCMA
     */
    public static FrameSerializer telephony(TelephonyCall call, TelephonyOptions options) {
        switch (call.provider()) {
            case TWILIO:
                return twilio(options.twilio(call));
            case TELNYX:
                return telnyx(options.telnyx(call));
            case PLIVO:
                return plivo(options.plivo(call));
            case EXOTEL:
            default:
                return exotel(options.exotel(call));
        }
    }
}
