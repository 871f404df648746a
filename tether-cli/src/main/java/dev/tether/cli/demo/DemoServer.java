package dev.tether.cli.demo;

import dev.tether.server.Predicates;
import dev.tether.server.TetherServer;

/** The demo server, as {@code tether serve} and the tests run it. */
public final class DemoServer {
    /** The class path folder of the demo page. */
    public static final String PAGE_RESOURCES = "tether/demo";

    /** How many channels and patterns one session of the chat may join. */
    public static final int MAX_SUBSCRIBED_CHANNELS = 20;

    private DemoServer() {}

    /**
     * A demo server on {@code host} and {@code port}, built and not started: the page at {@code /} over plain
     * HTTP, WebSocket upgrades on the same path, and {@link DemoHandler}'s methods.
     *
     * @throws IllegalArgumentException if the host or port is not acceptable
     */
    public static TetherServer create(String host, int port) {
        return create(settings().host(host).port(port));
    }

    /**
     * The demo's own settings, before {@link #create(TetherServer.Builder)} adds its handler: the page and the chat's
     * subscription limit.
     */
    public static TetherServer.Builder settings() {
        return TetherServer.builder()
                .maxSubscribedChannels(MAX_SUBSCRIBED_CHANNELS)
                .staticResources(PAGE_RESOURCES);
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
}
