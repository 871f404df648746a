package dev.tether.cli;

import dev.tether.cli.demo.DemoServer;
import dev.tether.server.ServerSettings;
import dev.tether.server.TetherServer;
import dev.tether.webrtc.IceServer;
import dev.tether.webrtc.IceServers;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code tether serve}: runs the demo server (the page at {@code /}, the RPC methods of
 * {@link dev.tether.cli.demo.DemoHandler} and its chat) until the process is stopped with Ctrl-C or a signal; a shutdown hook closes the server, so
 * connected clients get close code 1001.
 */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        modelTransformer = ServeCommand.ServerOptions.class,
        description = {
            "Runs the demo server until Ctrl-C or SIGTERM, which drain it (see --drain-timeout).",
            "",
            "The demo page is at http://HOST:PORT/. Any WebSocket client on ws://HOST:PORT/ can call the RPC"
                    + " methods echo(value), add(a, b), whoami(), count(n) (a stream), login(name), secret(),"
                    + " limited(), fail(kind), and chat with join(name), leave(name) and say(channel, text).",
            ""
        })
final class ServeCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(ServeCommand.class);

    @Spec
    @SuppressWarnings("NullAway.Init") // injected by picocli before call()
    private CommandSpec spec;

    @CommandLine.Option(
            names = "--ice-servers",
            paramLabel = "SERVERS",
            description = "STUN/TURN servers for the WebRTC bot: a comma list of URLs, or a JSON array of URLs and"
                    + " {\"urls\", \"username\", \"credential\"} objects (default: env PIPECAT_ICE_SERVERS, else"
                    + " none).")
    private @Nullable String iceServers;

    @CommandLine.Option(
            names = "--broker",
            paramLabel = "URI",
            description = "Runs as one node of a cluster joined through this broker: redis://HOST:PORT or"
                    + " nats://HOST:PORT. Channels, their history and presence are then shared with every node on the"
                    + " same broker and prefix (default: none; everything stays in this process).")
    private @Nullable String broker;

    @CommandLine.Option(
            names = "--broker-prefix",
            paramLabel = "PREFIX",
            defaultValue = "tether",
            description = "What the broker's keys and subjects start with; nodes with the same prefix form one cluster"
                    + " (default: ${DEFAULT-VALUE}).")
    private String brokerPrefix = "tether";

    @CommandLine.Option(
            names = "--admin-token",
            paramLabel = "TOKEN",
            defaultValue = "${env:TETHER_ADMIN_TOKEN}",
            description = "Turns on the live admin page at /admin, whose stats answer only requests with"
                    + " Authorization: Bearer TOKEN (at least 12 characters; default: env TETHER_ADMIN_TOKEN, else"
                    + " off).")
    private @Nullable String adminToken;

    @CommandLine.Option(
            names = "--jwt-secret",
            paramLabel = "SECRET",
            defaultValue = "${env:TETHER_JWT_SECRET}",
            description = "Requires a JSON Web Token signed with HS256 and this secret (at least 32 bytes) on the"
                    + " webshocket.v1 endpoint: Authorization: Bearer TOKEN, or ?token=TOKEN (the page passes its own"
                    + " ?token= on). Default: env TETHER_JWT_SECRET, else off.")
    private @Nullable String jwtSecret;

    @Override
    public Integer call() throws InterruptedException {
        TetherServer server = start();
        MeterRegistry registry = server.config().meterRegistry();
        if (registry != null) {
            // The collector's meters listen to its notifications until closed: this process's registry lives as long
            // as the process, so they are never closed (DemoServer.jvmMeters binds the rest).
            new JvmGcMetrics().bindTo(registry);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        // SIGTERM or Ctrl-C drains: no new connections, the calls in flight finish, then every session gets 1001.
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            try {
                                server.drain().toCompletableFuture().join();
                            } finally {
                                stopped.countDown();
                            }
                        },
                        "tether-shutdown"));
        // Nothing else stops the server: the JVM exits once the hook has closed it.
        stopped.await();
        return 0;
    }

    /**
     * Starts the demo server with these options and returns it running; the caller closes it.
     *
     * @throws ParameterException if an option has a value the server does not accept
     * @throws dev.tether.core.TetherException if the port cannot be bound
     */
    TetherServer start() {
        TetherServer server;
        try {
            server = DemoServer.create(settings());
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        server.start();
        String host = server.config().host();
        log.info(
                "Voice echo bot: {}voice.html  (pipecat clients: {}, telephony: {})",
                pageUrl(host, server.port()),
                DemoServer.VOICE_CLIENT_PATH,
                DemoServer.TELEPHONY_PATH);
        log.info(
                "Voice echo bot over WebRTC: {}webrtc.html  (SmallWebRTC clients: POST {})",
                pageUrl(host, server.port()),
                DemoServer.WEBRTC_OFFER_PATH);
        if (broker != null) {
            log.info(
                    "One node of the cluster on {} (prefix '{}')",
                    server.config().clusterBroker(),
                    brokerPrefix);
        }
        if (jwtSecret != null && !jwtSecret.isEmpty()) {
            log.info("Tokens required (--jwt-secret): open the page as {}?token=JWT", pageUrl(host, server.port()));
        }
        if (adminToken != null && !adminToken.isEmpty()) {
            log.info("Admin page: {}admin  (its stats need the token of --admin-token)", pageUrl(host, server.port()));
        }
        log.info("Demo page: {}  (Ctrl-C stops the server)", pageUrl(host, server.port()));
        return server;
    }

    /** The settings of the options given, on top of {@link #defaults()}. */
    TetherServer.Builder settings() {
        List<IceServer> ice;
        try {
            ice = iceServers != null
                    ? IceServers.parse("--ice-servers", iceServers)
                    : IceServers.fromEnvironment(System.getenv(IceServers.ENV));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        TetherServer.Builder settings = DemoServer.settings(ice).host("127.0.0.1");
        SettingOptions.applyTo(spec, settings.config().values(), settings::set);
        if (adminToken != null && !adminToken.isEmpty()) {
            try {
                DemoServer.admin(settings, adminToken);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--admin-token: " + e.getMessage(), e);
            }
        }
        if (jwtSecret != null && !jwtSecret.isEmpty()) {
            try {
                DemoServer.requireTokens(settings, jwtSecret.getBytes(StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--jwt-secret: " + e.getMessage(), e);
            }
        }
        if (broker != null) {
            try {
                settings.clusterBroker(Brokers.open(broker, brokerPrefix));
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage(), e);
            }
        }
        return settings;
    }

    /** The settings {@code tether serve} runs with when no option changes them: the demo's, bound to loopback. */
    static TetherServer.Builder defaults() {
        return DemoServer.settings().host("127.0.0.1");
    }

    /**
     * Adds an option for each server setting that declares one in {@link ServerSettings}, such as
     * {@code --max-connections}, with {@code tether serve}'s default.
     */
    static final class ServerOptions implements CommandLine.IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec spec) {
            return SettingOptions.addTo(spec, defaults().config().values());
        }
    }

    /** The address a browser on this machine opens for a server bound to {@code host}. */
    static String pageUrl(String host, int port) {
        String reachable = host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host;
        if (reachable.indexOf(':') >= 0) {
            reachable = "[" + reachable + "]";
        }
        return "http://" + reachable + ":" + port + "/";
    }
}
