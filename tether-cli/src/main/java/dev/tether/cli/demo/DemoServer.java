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
        DemoHandler handler = new DemoHandler();
        TetherServer server = TetherServer.builder()
                .host(host)
                .port(port)
                .handler(handler)
                .predicate(DemoHandler.LOGGED_IN, Predicates.has(DemoHandler.USERNAME))
                .maxSubscribedChannels(MAX_SUBSCRIBED_CHANNELS)
                .staticResources(PAGE_RESOURCES)
                .build();
        // say() publishes on the server, which exists only now.
        handler.serveOn(server);
        return server;
    }
}
