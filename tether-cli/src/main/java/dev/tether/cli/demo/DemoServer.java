package dev.tether.cli.demo;

import dev.tether.server.TetherServer;

/** The demo server's settings, shared by {@code tether serve} and the tests. */
public final class DemoServer {
    /** The class path folder of the demo page. */
    public static final String PAGE_RESOURCES = "tether/demo";

    private DemoServer() {}

    /**
     * A builder with the demo's handler and page; the caller adds the host and port. The page is served at
     * {@code /} over plain HTTP, and the same path takes WebSocket upgrades.
     */
    public static TetherServer.Builder builder() {
        return TetherServer.builder().handler(new DemoHandler()).staticResources(PAGE_RESOURCES);
    }
}
