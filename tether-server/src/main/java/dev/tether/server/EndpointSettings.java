package dev.tether.server;

import dev.tether.core.Setting;
import dev.tether.core.SettingRule;
import dev.tether.core.SettingTable;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Every setting of a raw {@link WebSocketEndpoint}, declared once: name, type, default, allowed values and
 * documentation. {@link WebSocketEndpoint.Builder}'s setters and {@link WebSocketEndpoint}'s accessors are one-line
 * methods over these, and the table in {@code docs/endpoints.md} is made from {@link #ALL}. The path and the listener
 * are not settings: every endpoint is given its own.
 */
public final class EndpointSettings {
    private static final SettingTable.Builder TABLE = SettingTable.builder();

    public static final Setting<List<String>> SUBPROTOCOLS =
            TABLE.add(Setting.<List<String>>of("subprotocols", "List<String>", List.of())
                    .copy(List::copyOf)
                    .check(names -> names.stream().noneMatch(String::isEmpty), "names that are not empty")
                    .defaultText("none")
                    .doc("The subprotocols spoken; the first one the client offers that the endpoint speaks is agreed"
                            + " (`session.subprotocol()`); a client offering only others still connects, with none."));

    public static final Setting<Set<String>> ALLOWED_ORIGINS =
            TABLE.add(Setting.<Set<String>>of("allowedOrigins", "Set<String>", Set.of())
                    .copy(Set::copyOf)
                    .defaultText("all")
                    .doc("`Origin` values accepted, compared without regard to case; another gets 403 `Origin not"
                            + " allowed: <origin>`. Requests without `Origin` are accepted unless `originRequired`."));

    public static final Setting<Boolean> ORIGIN_REQUIRED = TABLE.add(Setting.ofBoolean("originRequired", false)
            .doc("With `allowedOrigins` set, refuses a request without `Origin` too (403 `Origin required`), as a"
                    + " browser-only endpoint may."));

    public static final Setting<Boolean> PREFIX = TABLE.add(Setting.ofBoolean("prefix", false)
            .doc("Also accepts upgrades to every path below the endpoint's (`/ws/abc` for `/ws`); an endpoint"
                    + " mounted on the exact path, or on a longer prefix, wins."));

    public static final Setting<Integer> MAX_FRAME_BYTES = TABLE.add(Setting.ofInt("maxFrameBytes", 4 << 20)
            .range(1, Integer.MAX_VALUE)
            .bytes()
            .doc("The largest frame payload; a larger one fails the connection with 1009."));

    public static final Setting<Integer> MAX_MESSAGE_BYTES = TABLE.add(Setting.ofInt("maxMessageBytes", 4 << 20)
            .range(1, Integer.MAX_VALUE)
            .bytes()
            .doc("The largest message, its fragments together (and after inflating); larger closes with 1009."));

    public static final Setting<Long> MAX_QUEUED_BYTES = TABLE.add(Setting.ofLong("maxQueuedBytes", 4 << 20)
            .range(1, Long.MAX_VALUE)
            .bytes()
            .doc("The bound on what waits for one client (queued sends and Netty's buffer); a send is always taken"
                    + " when nothing waits, however large."));

    public static final Setting<OverflowPolicy> OVERFLOW_POLICY = TABLE.add(Setting.ofEnum(
                    "overflowPolicy", OverflowPolicy.class, OverflowPolicy.REFUSE)
            .doc("What a send that does not fit in `maxQueuedBytes` does: `REFUSE` returns `false` and keeps the"
                    + " session, `CLOSE` drops what waits and closes with 1008 `outbound queue full`."));

    public static final Setting<Duration> PING_INTERVAL =
            TABLE.add(Setting.ofDuration("pingInterval", Duration.ofSeconds(30))
                    .notNegative()
                    .doc("Pings a connection silent this long; `0` never pings."));

    public static final Setting<Duration> IDLE_TIMEOUT =
            TABLE.add(Setting.ofDuration("idleTimeout", Duration.ofSeconds(60))
                    .notNegative()
                    .doc("Closes (1011) a connection silent this long; `0` never does."));

    public static final Setting<Boolean> PER_MESSAGE_DEFLATE = TABLE.add(Setting.ofBoolean("perMessageDeflate", false)
            .doc("Agrees permessage-deflate (RFC 7692) when the client offers it, on the server's `deflate*` settings"
                    + " ([channels](channels.md#compression))."));

    public static final Setting<Boolean> BLOCKING_LISTENER = TABLE.add(Setting.ofBoolean("blockingListener", false)
            .doc("Runs the listener's callbacks on a worker thread, in order per connection, instead of on the"
                    + " connection's I/O thread."));

    public static final Setting<Integer> MAX_INBOUND_QUEUED_MESSAGES = TABLE.add(Setting.ofInt(
                    "maxInboundQueuedMessages", 256)
            .range(1, Integer.MAX_VALUE)
            .doc("With a blocking listener: messages of one connection that may wait for it before the server stops"
                    + " reading from that connection (TCP then pushes back on the client)."));

    public static final Setting<Integer> MAX_INBOUND_MESSAGES_PER_SECOND = TABLE.add(Setting.ofInt(
                    "maxInboundMessagesPerSecond", 0)
            .range(0, Integer.MAX_VALUE)
            .defaultText("0 (no limit)")
            .doc("Messages one connection may send per second, averaged over a second; past it `inboundRateAction`"
                    + " applies (set with `inboundRate(messages, bytes, action)`)."));

    public static final Setting<Long> MAX_INBOUND_BYTES_PER_SECOND =
            TABLE.add(Setting.ofLong("maxInboundBytesPerSecond", 0)
                    .range(0, Long.MAX_VALUE)
                    .bytes()
                    .defaultText("0 (no limit)")
                    .doc("Message bytes one connection may send per second, averaged over a second."));

    public static final Setting<InboundRateAction> INBOUND_RATE_ACTION = TABLE.add(Setting.ofEnum(
                    "inboundRateAction", InboundRateAction.class, InboundRateAction.THROTTLE)
            .doc("What a connection over its inbound rate gets: `THROTTLE` (reading pauses) or `CLOSE` (1008)."));

    public static final Setting<Duration> CLOSE_TIMEOUT =
            TABLE.add(Setting.<Duration>of("closeTimeout", "Duration", null)
                    .nullable()
                    .check(d -> !d.isNegative() && !d.isZero(), "> 0")
                    .defaultText("the server's")
                    .doc("How long a close waits for the client's close frame before dropping the connection."));

    public static final Setting<Authenticator> AUTHENTICATOR =
            TABLE.add(Setting.<Authenticator>of("authenticator", "Authenticator", null)
                    .nullable()
                    .defaultText("the server's")
                    .doc("Decides on each upgrade before a session exists (see [security](security.md));"
                            + " `Authenticator.anonymous()` lets everyone in where the server has one (a telephony"
                            + " provider's media stream, say)."));

    /** Every endpoint setting, in the order the reference lists them, and the rule between them. */
    public static final SettingTable ALL =
            TABLE.rule(SettingRule.atMost(MAX_FRAME_BYTES, MAX_MESSAGE_BYTES)).build();

    private EndpointSettings() {}
}
