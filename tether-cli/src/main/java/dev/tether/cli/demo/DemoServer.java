package dev.tether.cli.demo;

import dev.tether.media.ClientMode;
import dev.tether.media.FrameSerializers;
import dev.tether.media.MediaEndpoint;
import dev.tether.media.TelephonyOptions;
import dev.tether.server.Authenticator;
import dev.tether.server.JwtAuthenticator;
import dev.tether.server.Predicates;
import dev.tether.server.TetherServer;
import dev.tether.server.WebSocketEndpoint;
import dev.tether.server.WebSocketListener;
import dev.tether.server.WebSocketSession;
import dev.tether.webrtc.IceServer;
import dev.tether.webrtc.WebRtcSignaling;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;

/** The demo server, as {@code tether serve} and the tests run it. */
public final class DemoServer {
    /** The class path folder of the demo page. */
    public static final String PAGE_RESOURCES = "tether/demo";

    /** How many channels and patterns one session of the chat may join. */
    public static final int MAX_SUBSCRIBED_CHANNELS = 20;

    /** The path of the raw echo endpoint. */
    public static final String ECHO_PATH = "/echo";

    /** The largest message the echo endpoint takes: Autobahn's largest cases (9.x) send 16 MiB. */
    public static final int ECHO_MAX_MESSAGE_BYTES = 16 << 20;

    /** The path of the voice echo bot for pipecat's browser client (protobuf), one session per connection. */
    public static final String VOICE_CLIENT_PATH = "/ws-client";

    /** The path of the same bot for one client at a time: a second is closed with 1013. */
    public static final String VOICE_SINGLE_PATH = "/ws-single";

    /** The path of the same bot for telephony media streams, the provider detected from the call's first messages. */
    public static final String TELEPHONY_PATH = "/ws";

    /** How many publications every channel of the demo keeps, for clients that recover after a reconnect. */
    public static final int HISTORY_SIZE = 100;

    /** How long the demo keeps each publication. */
    public static final Duration HISTORY_TTL = Duration.ofMinutes(5);

    /** The path WebRTC clients post their offer to (pipecat's SmallWebRTC signaling; also /start, /sessions/...). */
    public static final String WEBRTC_OFFER_PATH = "/api/offer";

    /** The TypeScript client's browser bundle, which the demo page imports (clients/typescript). */
    public static final String CLIENT_SCRIPT_PATH = "/tether-client.js";

    private DemoServer() {}

    /**
     * A demo server on {@code host} and {@code port}, built and not started: the page at {@code /} over plain
     * HTTP, webshocket.v1 upgrades on the same path with {@link DemoHandler}'s methods, a raw echo endpoint at
     * {@value #ECHO_PATH} that sends every text and binary message back unchanged, and the voice echo bot at
     * {@value #VOICE_CLIENT_PATH}, {@value #VOICE_SINGLE_PATH}, (telephony) {@value #TELEPHONY_PATH} and over WebRTC
     * at {@value #WEBRTC_OFFER_PATH}. webshocket.v1 and the echo agree permessage-deflate. Every channel keeps a history ({@value #HISTORY_SIZE} publications, 5 minutes)
     * and tracks presence.
     *
     * @throws IllegalArgumentException if the host or port is not acceptable
     */
    public static TetherServer create(String host, int port) {
        return create(settings().host(host).port(port));
    }

    /**
     * The demo's own settings, before {@link #create(TetherServer.Builder)} adds its handler: the page, the chat's
     * subscription limit, the raw echo endpoint, the voice echo bot, and metrics at {@code /metrics} and health at
     * {@code /health/live} and {@code /health/ready}.
     */
    public static TetherServer.Builder settings() {
        return settings(List.of());
    }

    /** {@link #settings()} with these ICE servers for the WebRTC bot (the answer's candidates, {@code /start}). */
    public static TetherServer.Builder settings(List<IceServer> iceServers) {
        EchoBot bot = new EchoBot();
        WebRtcSignaling webrtc =
                WebRtcSignaling.builder(bot).iceServers(iceServers).build();
        return webrtc.mount(TetherServer.builder())
                // A newcomer sees what the server does at once: GET /metrics (Prometheus text), /health/ready. The
                // registry is the demo's own, so that the admin page (--admin-token) reads the meters /metrics exports.
                .meterRegistry(jvmMeters(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)))
                .metricsEndpoint(true)
                .healthEndpoints(true)
                .maxSubscribedChannels(MAX_SUBSCRIBED_CHANNELS)
                // Browsers offer permessage-deflate: the chat's publications go out compressed once for all of them.
                .perMessageDeflate(true)
                // Every channel keeps its last 100 publications for 5 minutes and tracks who is in it; clients may
                // subscribe themselves (tether listen --subscribe), with recovery.
                .history("*", HISTORY_SIZE, HISTORY_TTL)
                .presence("*")
                .presenceInfo(session -> session.attributes().get(DemoHandler.USERNAME))
                .clientSubscriptions((session, name) -> true)
                .staticResources(PAGE_RESOURCES)
                .httpEndpoint(
                        CLIENT_SCRIPT_PATH,
                        ClasspathResource.endpoint(
                                ClasspathResource.CLIENT_BUNDLE + "tether-client.js", "text/javascript; charset=utf-8"))
                .httpEndpoint(
                        CLIENT_SCRIPT_PATH + ".map",
                        ClasspathResource.endpoint(
                                ClasspathResource.CLIENT_BUNDLE + "tether-client.js.map", "application/json"))
                .webSocket(echoEndpoint())
                .webSocket(MediaEndpoint.builder(VOICE_CLIENT_PATH, bot)
                        .serializer(FrameSerializers::protobuf)
                        .clientMode(ClientMode.PER_CONNECTION)
                        .build())
                .webSocket(MediaEndpoint.builder(VOICE_SINGLE_PATH, bot)
                        .serializer(FrameSerializers::protobuf)
                        .clientMode(ClientMode.SINGLE_REJECT)
                        .build())
                .webSocket(MediaEndpoint.builder(TELEPHONY_PATH, bot)
                        // The demo holds no provider credentials, so it never hangs a call up by REST.
                        .serializer(() -> FrameSerializers.telephony(
                                TelephonyOptions.builder().autoHangUp(false).build()))
                        .build());
    }

    /**
     * Binds Micrometer's meters of the JVM and the process to {@code registry}: memory by pool and the buffer pools
     * ({@code jvm.memory.*}, {@code jvm.buffer.*}), threads, classes, CPU, uptime and open file descriptors
     * ({@code process.files.open}). They are gauges read at scrape time, holding nothing but the JVM's MXBeans. The
     * garbage collector's meters ({@code jvm.gc.*}) listen to the collector's notifications until they are closed, so
     * {@code tether serve} binds them itself, for the life of its process (see {@code ServeCommand}).
     */
    public static <R extends MeterRegistry> R jvmMeters(R registry) {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        return registry;
    }

    /**
     * Adds the live admin page to {@code settings}: {@code GET /admin}, and {@code GET /admin/stats} for whoever sends
     * {@code Authorization: Bearer TOKEN}.
     *
     * @throws IllegalArgumentException if the token is shorter than 12 characters
     */
    public static TetherServer.Builder admin(TetherServer.Builder settings, String token) {
        return AdminPage.mount(settings, token);
    }

    /**
     * Requires a JSON Web Token signed with HS256 and {@code secret} on the webshocket.v1 endpoint (the page reads
     * {@code ?token=} from its own address and passes it on); the raw echo, voice and telephony endpoints stay open
     * ({@link Authenticator#anonymous()}), since Autobahn|Testsuite, pipecat's clients and telephony providers bring
     * no token. Call it after every {@code webSocket(...)} of {@code settings}.
     *
     * @throws IllegalArgumentException if the secret is shorter than 32 bytes
     */
    public static TetherServer.Builder requireTokens(TetherServer.Builder settings, byte[] secret) {
        JwtAuthenticator authenticator = JwtAuthenticator.hs256(secret).build();
        for (WebSocketEndpoint endpoint : settings.config().webSocketEndpoints().values()) {
            if (endpoint.authenticator() == null) {
                settings.webSocket(endpoint.toBuilder()
                        .authenticator(Authenticator.anonymous())
                        .build());
            }
        }
        return settings.authenticator(authenticator);
    }

    /**
     * A demo server with {@code settings} (usually {@link #settings()} with changes) and the demo's handler and
     * permission predicate, built and not started.
     *
     * @throws IllegalArgumentException if the settings break a rule between them
     */
    public static TetherServer create(TetherServer.Builder settings) {
        DemoHandler handler = new DemoHandler();
        TetherServer server = settings.handler(handler)
                .predicate(DemoHandler.LOGGED_IN, Predicates.has(DemoHandler.USERNAME))
                .build();
        // say() publishes on the server, which exists only now.
        handler.serveOn(server);
        return server;
    }

    /** A raw endpoint that sends every message back as it came, on the I/O thread. */
    static WebSocketEndpoint echoEndpoint() {
        return WebSocketEndpoint.builder(ECHO_PATH, new WebSocketListener() {
                    @Override
                    public void onText(WebSocketSession session, String text) {
                        session.sendText(text);
                    }

                    @Override
                    public void onBinary(WebSocketSession session, byte[] data) {
                        session.sendBinary(data);
                    }
                })
                .maxFrameBytes(ECHO_MAX_MESSAGE_BYTES)
                .maxMessageBytes(ECHO_MAX_MESSAGE_BYTES)
                .perMessageDeflate(true)
                .build();
    }
}
