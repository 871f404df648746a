package dev.tether.webrtc;

import dev.tether.core.Setting;
import dev.tether.core.SettingTable;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Every setting of a {@link WebRtcSignaling}, declared once; {@code docs/webrtc.md} lists them. The media settings
 * that apply to a WebRTC session (audio in, queue bounds, session timeout, RTVI, clock) are {@link
 * dev.tether.media.MediaSettings} and are set on the same builder.
 */
public final class WebRtcSettings {
    private static final SettingTable.Builder TABLE = SettingTable.builder();

    public static final Setting<List<IceServer>> ICE_SERVERS = TABLE.add(Setting.<List<IceServer>>of(
                    "iceServers", "List<IceServer>", List.of())
            .copy(List::copyOf)
            .defaultText("none (host candidates only)")
            .doc("STUN/TURN servers for new peer connections; `WebRtcSignaling.iceServers(...)` replaces them at run"
                    + " time. `tether serve` reads `--ice-servers` or `PIPECAT_ICE_SERVERS`."));

    public static final Setting<ConnectionMode> CONNECTION_MODE =
            TABLE.add(Setting.ofEnum("connectionMode", ConnectionMode.class, ConnectionMode.MULTIPLE)
                    .doc("`MULTIPLE`: any number of connections; `SINGLE`: one, and another offer gets 400."));

    public static final Setting<Boolean> ESP32_MODE = TABLE.add(Setting.ofBoolean("esp32Mode", false)
            .doc("Munges every answer for ESP32 devices: drops `sha-384`/`sha-512` fingerprint lines and, with"
                    + " `esp32Host`, every candidate but that host's without `raddr`."));

    public static final Setting<@Nullable String> ESP32_HOST =
            TABLE.add(Setting.<@Nullable String>of("esp32Host", "String", null)
                    .nullable()
                    .defaultText("none")
                    .doc("The address an ESP32 reaches the server at; `localhost` is refused."));

    public static final Setting<Duration> CONNECTING_TIMEOUT =
            TABLE.add(Setting.ofDuration("connectingTimeout", Duration.ofSeconds(60))
                    .positive()
                    .doc("A connection not connected this long after its answer is closed."));

    public static final Setting<Duration> DATA_CHANNEL_TIMEOUT =
            TABLE.add(Setting.ofDuration("dataChannelTimeout", Duration.ofSeconds(10))
                    .positive()
                    .doc("Once connected, the data channel must open within this; otherwise queued messages are"
                            + " dropped, and so is every later one."));

    public static final Setting<Integer> MAX_QUEUED_MESSAGES = TABLE.add(Setting.ofInt("maxQueuedMessages", 50)
            .range(1, 100_000)
            .doc("Outgoing data-channel messages held while the channel is not open; more are dropped with a"
                    + " warning."));

    public static final Setting<Duration> ICE_GATHERING_TIMEOUT =
            TABLE.add(Setting.ofDuration("iceGatheringTimeout", Duration.ofSeconds(5))
                    .positive()
                    .doc("The answer carries the server's candidates, so it waits for gathering to finish, at most"
                            + " this long (a STUN server that does not answer); then it goes with what was gathered."));

    public static final Setting<Integer> MAX_CONNECTIONS = TABLE.add(Setting.ofInt("maxConnections", 1000)
            .range(1, Integer.MAX_VALUE)
            .doc("Peer connections held at once; a new offer beyond gets 503."));

    public static final Setting<Set<String>> CORS_ORIGINS = TABLE.add(Setting.<Set<String>>of(
                    "corsOrigins", "Set<String>", Set.of())
            .copy(Set::copyOf)
            .defaultText("none (same origin only)")
            .doc("Pages on these origins (exact, e.g. `http://localhost:5173`, or `*` for any) may call the routes"
                    + " from a browser: they get CORS headers and their preflight `OPTIONS` is answered 204."));

    public static final Setting<Integer> THREADS = TABLE.add(Setting.ofInt("threads", 0)
            .range(0, 1024)
            .doc("Threads the sessions run on (callbacks, pacing, timers); `0` means one per processor."));

    /** Every WebRTC setting, in the order the reference lists them. */
    public static final SettingTable ALL = TABLE.build();

    private WebRtcSettings() {}
}
