package dev.tether.media;

import dev.tether.server.TetherServer;
import dev.tether.server.WebSocketEndpoint;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/** Servers on 127.0.0.1 and a free port for one test class; closed after each test. */
final class MediaServers implements AutoCloseable {
    private final List<TetherServer> servers = new ArrayList<>();

    /** Starts a server with {@code endpoint} mounted and returns its base {@code ws://} URI. */
    URI start(WebSocketEndpoint endpoint) {
        return start(endpoint, server -> server);
    }

    /** Starts a server with {@code endpoint} mounted and more settings, and returns its base {@code ws://} URI. */
    URI start(WebSocketEndpoint endpoint, UnaryOperator<TetherServer.Builder> settings) {
        TetherServer server = settings.apply(
                        TetherServer.builder().host("127.0.0.1").port(0).webSocket(endpoint))
                .build()
                .start();
        servers.add(server);
        return URI.create("ws://127.0.0.1:" + server.port());
    }

    /** The servers started, in order. */
    List<TetherServer> servers() {
        return servers;
    }

    @Override
    public void close() {
        servers.forEach(TetherServer::close);
        servers.clear();
    }
}
