package dev.tether.bench.servers;

import dev.tether.core.WireFormat;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrame;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A WebSocket echo server on Vert.x core, the framework baseline beside {@link RawEchoServer}: every TEXT, BINARY
 * and continuation frame goes back as it came ({@code writeFrame} of the frame received), with nothing else done
 * per message. Configured as the others are measured: {@code ioThreads} event loops (compare.sh gives every server
 * one, on one pinned core; Vert.x's own default would be two per core), one HTTP server per event loop on the same
 * port (SO_REUSEPORT), the native transport (epoll) when Netty's is on the class path
 * as for the raw server, TCP_NODELAY, no compression, {@code webshocket.v1} offered like Tether. Vert.x flushes
 * what a handler writes once at the end of each read batch, as the raw server does.
 */
public final class VertxEchoServer implements AutoCloseable {
    private final Vertx vertx;
    private final List<HttpServer> servers;

    private VertxEchoServer(Vertx vertx, List<HttpServer> servers) {
        this.vertx = vertx;
        this.servers = servers;
    }

    /** Binds {@code host}:{@code port} (0 picks a free port) with {@code ioThreads} event loops and returns it running. */
    public static VertxEchoServer start(String host, int port, int ioThreads)
            throws InterruptedException, ExecutionException, TimeoutException {
        if (ioThreads < 1) {
            throw new IllegalArgumentException("ioThreads: " + ioThreads + " (expected: >= 1)");
        }
        Vertx vertx =
                Vertx.vertx(new VertxOptions().setEventLoopPoolSize(ioThreads).setPreferNativeTransport(true));
        List<HttpServer> servers = new ArrayList<>();
        try {
            int bound = port;
            for (int i = 0; i < ioThreads; i++) {
                HttpServerOptions options = new HttpServerOptions()
                        .setHost(host)
                        .setPort(bound)
                        .setTcpNoDelay(true)
                        .setAcceptBacklog(4096)
                        // Servers after the first bind the port the first one got (so port 0 works too); the kernel
                        // spreads the connections over their sockets.
                        .setReusePort(true)
                        .setWebSocketSubProtocols(List.of(WireFormat.SUBPROTOCOL))
                        .setMaxWebSocketFrameSize(64 * 1024 * 1024)
                        .setMaxWebSocketMessageSize(64 * 1024 * 1024)
                        .setPerFrameWebSocketCompressionSupported(false)
                        .setPerMessageWebSocketCompressionSupported(false);
                // Created outside any Vert.x context, each server gets an event loop of its own.
                HttpServer server = vertx.createHttpServer(options).webSocketHandler(VertxEchoServer::echo);
                servers.add(await(server.listen()));
                bound = server.actualPort(); // the others share the first one's port
            }
            return new VertxEchoServer(vertx, servers);
        } catch (InterruptedException | ExecutionException | TimeoutException | RuntimeException e) {
            vertx.close();
            throw e;
        }
    }

    private static void echo(ServerWebSocket ws) {
        ws.frameHandler(frame -> {
            if (isData(frame)) {
                ws.writeFrame(frame);
            }
        });
        ws.exceptionHandler(e -> ws.close());
    }

    private static boolean isData(WebSocketFrame frame) {
        return frame.isBinary() || frame.isText() || frame.isContinuation();
    }

    /** The bound port. */
    public int port() {
        return servers.get(0).actualPort();
    }

    /** Vert.x core's version, from the file its jar carries ({@code unknown} without it). */
    public static String version() {
        try (InputStream in = Vertx.class.getClassLoader().getResourceAsStream("META-INF/vertx/vertx-version.txt")) {
            return in == null ? "unknown" : new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** Closes every connection and the event loops. */
    @Override
    public void close() throws InterruptedException, ExecutionException, TimeoutException {
        await(vertx.close());
    }

    private static <T> T await(Future<T> future) throws InterruptedException, ExecutionException, TimeoutException {
        return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
