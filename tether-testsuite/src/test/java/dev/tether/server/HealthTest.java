package dev.tether.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.server.spi.ClusterBroker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code GET /health/live} and {@code GET /health/ready} over a real socket. */
class HealthTest {
    private static final int WAIT_MILLIS = 10_000;

    /** A broker test double that says whether it is connected as the test tells it to. */
    static final class SwitchBroker implements ClusterBroker {
        volatile boolean connected = true;

        @Override
        public CompletionStage<Void> start(Inbound inbound) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletionStage<Void> publish(String channel, byte[] packet) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletionStage<Void> interest(String nameOrPattern, boolean subscribed) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletionStage<Void> close() {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public boolean isConnected() {
            return connected;
        }

        @Override
        public List<Meter> bindTo(MeterRegistry registry) {
            return List.of(Counter.builder("tether.broker.test").register(registry));
        }
    }

    private TetherServer server;

    private TetherServer start(TetherServer.Builder builder) {
        server = builder.host("127.0.0.1")
                .port(0)
                .handler(new TetherHandler() {})
                .build()
                .start();
        return server;
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void liveAndReadyAnswerUp() throws Exception {
        start(TetherServer.builder());
        try (Http http = new Http(server.port())) {
            assertThat(http.get("/health/live")).isEqualTo("200 {\"status\":\"UP\"}");
            assertThat(http.get("/health/ready")).isEqualTo("200 {\"status\":\"UP\"}");
        }
    }

    @Test
    void readyIsDownWhileTheServerCloses() throws Exception {
        // A session that never answers the server's close frame holds the server in its grace period.
        start(TetherServer.builder().closeTimeout(Duration.ofSeconds(30)).shutdownGracePeriod(Duration.ofSeconds(30)));
        try (Http http = new Http(server.port());
                Socket silent = upgradeAndStayQuiet(server.port())) {
            assertThat(http.get("/health/ready")).startsWith("200");

            CompletionStage<Void> closed = server.closeAsync();

            assertThat(http.get("/health/ready"))
                    .isEqualTo("503 {\"status\":\"DOWN\",\"reason\":\"the server is closing\"}");
            assertThat(http.get("/health/live")).isEqualTo("200 {\"status\":\"UP\"}");
            silent.close(); // the session ends, so the server finishes closing
            closed.toCompletableFuture().get(WAIT_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS);
        }
    }

    @Test
    void readyIsDownWhileTheBrokerIsDisconnected() throws Exception {
        SwitchBroker broker = new SwitchBroker();
        start(TetherServer.builder().clusterBroker(broker));
        try (Http http = new Http(server.port())) {
            assertThat(http.get("/health/ready")).startsWith("200");

            broker.connected = false;
            assertThat(http.get("/health/ready"))
                    .isEqualTo("503 {\"status\":\"DOWN\",\"reason\":\"the cluster broker is disconnected\"}");
            assertThat(http.get("/health/live")).startsWith("200");

            broker.connected = true;
            assertThat(http.get("/health/ready")).startsWith("200");
        }
    }

    @Test
    void brokerMetersAreBoundAndRemovedWithTheServer() {
        SwitchBroker broker = new SwitchBroker();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        start(TetherServer.builder().clusterBroker(broker).meterRegistry(registry));
        assertThat(registry.get("tether.broker.connected").gauge().value()).isEqualTo(1);
        assertThat(registry.find("tether.broker.test").counter()).isNotNull();

        broker.connected = false;
        assertThat(registry.get("tether.broker.connected").gauge().value()).isZero();

        server.close();
        assertThat(registry.find("tether.broker.test").counter()).isNull();
        assertThat(registry.find("tether.broker.connected").gauge()).isNull();
    }

    @Test
    void healthEndpointsOffLeaveTheOldHealthOnly() throws Exception {
        start(TetherServer.builder().healthEndpoints(false));
        try (Http http = new Http(server.port())) {
            assertThat(http.get("/health/ready")).startsWith("404");
            assertThat(http.get("/health")).startsWith("200 {\"status\":\"UP\",\"connections\":0");
        }
    }

    /** Opens a WebSocket on {@code port} and then neither reads nor writes. */
    private static Socket upgradeAndStayQuiet(int port) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(WAIT_MILLIS);
        socket.getOutputStream()
                .write(String.join(
                                "\r\n",
                                "GET / HTTP/1.1",
                                "Host: 127.0.0.1",
                                "Upgrade: websocket",
                                "Connection: Upgrade",
                                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
                                "Sec-WebSocket-Version: 13",
                                "",
                                "")
                        .getBytes(StandardCharsets.US_ASCII));
        String head = Http.readHead(socket.getInputStream());
        assertThat(head).startsWith("HTTP/1.1 101");
        return socket;
    }

    /** One keep-alive HTTP/1.1 connection; {@link #get} answers {@code "STATUS BODY"}. */
    static final class Http implements AutoCloseable {
        private final Socket socket;

        Http(int port) throws IOException {
            socket = new Socket(InetAddress.getLoopbackAddress(), port);
            socket.setSoTimeout(WAIT_MILLIS);
        }

        String get(String path) throws IOException {
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String head = readHead(in);
            int length = 0;
            String lower = head.toLowerCase(Locale.ROOT);
            int at = lower.indexOf("\r\ncontent-length:");
            if (at >= 0) {
                int from = at + "\r\ncontent-length:".length();
                length = Integer.parseInt(
                        lower.substring(from, lower.indexOf("\r\n", from)).trim());
            }
            byte[] body = in.readNBytes(length);
            int space = head.indexOf(' ');
            String status = head.substring(space + 1, head.indexOf(' ', space + 1));
            return status + " " + new String(body, StandardCharsets.UTF_8);
        }

        /** Reads up to and including the blank line after the headers. */
        static String readHead(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int matched = 0;
            while (matched < 4) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("connection closed after " + head);
                }
                head.write(b);
                matched = (b == '\r' && matched % 2 == 0) || (b == '\n' && matched % 2 == 1) ? matched + 1 : 0;
            }
            return head.toString(StandardCharsets.US_ASCII);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
