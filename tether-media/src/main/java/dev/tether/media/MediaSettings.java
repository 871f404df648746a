package dev.tether.media;

import dev.tether.core.Clock;
import dev.tether.core.Setting;
import dev.tether.core.SettingTable;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Every setting of a {@link MediaEndpoint}, declared once: name, type, default, allowed values and documentation.
 * {@link MediaEndpoint.Builder}'s setters are one-line methods over these, and the table in {@code docs/media.md}
 * is made from {@link #ALL}. The path and the handler are not settings: every endpoint is given its own.
 */
public final class MediaSettings {
    private static final SettingTable.Builder TABLE = SettingTable.builder();

    /** The environment variable the default of {@link #ALLOWED_ORIGINS} is read from, as pipecat does. */
    public static final String ALLOWED_ORIGINS_ENV = "PIPECAT_ALLOWED_ORIGINS";

    public static final Setting<Supplier<? extends FrameSerializer>> SERIALIZER =
            TABLE.add(Setting.<Supplier<? extends FrameSerializer>>of("serializer", "Supplier<FrameSerializer>", null)
                    .nullable()
                    .doc("Makes one serializer per connection; without one every inbound message is ignored and"
                            + " nothing is sent."));

    public static final Setting<ClientMode> CLIENT_MODE = TABLE.add(Setting.ofEnum(
                    "clientMode", ClientMode.class, ClientMode.PER_CONNECTION)
            .doc("`PER_CONNECTION`: one session per connection; `SINGLE_REJECT`: a second client is closed with 1013"
                    + " `Server already has a connected client`; `SINGLE_REPLACE`: it replaces the first."));

    public static final Setting<Boolean> ADD_WAV_HEADER = TABLE.add(Setting.ofBoolean("addWavHeader", false)
            .doc("Sends each audio chunk as a RIFF/WAVE PCM16 container (a 44-byte header with the chunk's rate and"
                    + " channels before the samples)."));

    public static final Setting<Boolean> AUDIO_OUT_ENABLED = TABLE.add(Setting.ofBoolean("audioOutEnabled", true)
            .doc("Whether audio may be written; off, `write(AudioOutFrame)` returns `false`."));

    public static final Setting<Integer> AUDIO_OUT_SAMPLE_RATE = TABLE.add(Setting.ofInt("audioOutSampleRate", 24000)
            .range(1, 384_000)
            .doc("The output rate the serializer is set up with (`MediaRates`); audio at another rate is paced by"
                    + " its own rate and sent as it is."));

    public static final Setting<Integer> AUDIO_OUT_CHANNELS = TABLE.add(Setting.ofInt("audioOutChannels", 1)
            .range(1, 8)
            .doc("The output channel count, for documentation and the serializer; a frame carries its own."));

    public static final Setting<Integer> AUDIO_OUT_10MS_CHUNKS = TABLE.add(Setting.ofInt("audioOut10msChunks", 4)
            .range(1, 100)
            .doc("Audio is sent in chunks of this many 10 ms, one chunk per interval of the same length."));

    public static final Setting<Boolean> AUDIO_IN_ENABLED = TABLE.add(Setting.ofBoolean("audioInEnabled", true)
            .doc("Whether inbound audio reaches the handler; off, it is dropped."));

    public static final Setting<Integer> AUDIO_IN_SAMPLE_RATE = TABLE.add(Setting.ofInt("audioInSampleRate", 16000)
            .range(1, 384_000)
            .doc("The input rate the serializer is set up with; a resampling serializer converts to it."));

    public static final Setting<Duration> SESSION_TIMEOUT =
            TABLE.add(Setting.ofDuration("sessionTimeout", Duration.ZERO)
                    .notNegative()
                    .defaultText("none")
                    .doc("This long after a client connected, if it still is, `onSessionTimeout` runs; nothing is"
                            + " closed. `0` means never."));

    public static final Setting<Set<String>> ALLOWED_ORIGINS = TABLE.add(Setting.<Set<String>>of(
                    "allowedOrigins", "Set<String>", originsFromEnvironment(System.getenv(ALLOWED_ORIGINS_ENV)))
            .copy(Set::copyOf)
            .defaultText("`PIPECAT_ALLOWED_ORIGINS`, else all")
            .doc("`Origin` values accepted (exact, without regard to case); when set, a request with another or"
                    + " none gets 403 (4003 with token auth). Empty allows all."));

    public static final Setting<MediaTokens> TOKENS = TABLE.add(Setting.<MediaTokens>of("tokens", "MediaTokens", null)
            .nullable()
            .defaultText("none (no auth)")
            .doc("Requires a single-use token from these, in the path (`/ws/{token}`), `?token=` or `Authorization:"
                    + " Bearer`; missing, invalid, replayed or expired closes with 4003."));

    public static final Setting<Boolean> RTVI = TABLE.add(Setting.ofBoolean("rtvi", true)
            .doc("Answers an RTVI `client-ready` with `bot-ready` (same `id`, version 2.1.0) at once; every RTVI"
                    + " message still reaches the handler."));

    public static final Setting<Duration> MAX_QUEUED_AUDIO =
            TABLE.add(Setting.ofDuration("maxQueuedAudio", Duration.ofSeconds(60))
                    .positive()
                    .doc("Audio one session may hold waiting for its turn; a write past it is refused (`false`) and"
                            + " counted, unless nothing waits."));

    public static final Setting<Integer> MAX_QUEUED_FRAMES = TABLE.add(Setting.ofInt("maxQueuedFrames", 1024)
            .range(1, Integer.MAX_VALUE)
            .doc("Other frames (messages, text) one session may hold waiting behind audio; one more is refused"
                    + " (`false`) and counted."));

    public static final Setting<Duration> CLOSE_TIMEOUT =
            TABLE.add(Setting.ofDuration("closeTimeout", Duration.ofSeconds(1))
                    .positive()
                    .doc("How long a close the server starts (end, cancel, a replaced client) waits for the client's"
                            + " answer before the connection is dropped."));

    public static final Setting<Clock> CLOCK = TABLE.add(Setting.<Clock>of("clock", "Clock", Clock.system())
            .defaultText("`Clock.system()`")
            .doc("The time pacing, session timeouts and tokens read; tests pass a `ManualClock`."));

    /** Every media endpoint setting, in the order the reference lists them. */
    public static final SettingTable ALL = TABLE.build();

    private MediaSettings() {}

    /** The origins in {@code value}: comma-separated, each trimmed, empty ones left out; none for {@code null}. */
    static Set<String> originsFromEnvironment(@Nullable String value) {
        if (value == null) {
            return Set.of();
        }
        return Arrays.stream(value.split(",", -1))
                .map(String::trim)
                .filter(origin -> !origin.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
    }
}
