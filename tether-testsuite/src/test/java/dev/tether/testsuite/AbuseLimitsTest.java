package dev.tether.testsuite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.ManualClock;
import dev.tether.core.Packet;
import dev.tether.server.InboundRateAction;
import dev.tether.server.TetherServer;
import dev.tether.testing.CloseFrame;
import dev.tether.testing.HandshakeException;
import dev.tether.testing.HandshakeResponse;
import dev.tether.testing.Message;
import dev.tether.testing.RecordingHandler;
import dev.tether.testing.TestWebSocketClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The abuse limits over real sockets: connections and handshakes per client address (429 with Retry-After, loopback
 * exempt unless asked), and each session's inbound rate, throttled without loss or closed with 1008.
 */
class AbuseLimitsTest {
    private final RecordingHandler handler = RecordingHandler.echoing();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final List<AutoCloseable> open = new ArrayList<>();
    private TetherServer server;

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private void start(Consumer<TetherServer.Builder> settings) {
        TetherServer.Builder builder = TetherServer.builder()
                .host("127.0.0.1")
                .port(0)
                .handler(handler)
                .meterRegistry(meters);
        settings.accept(builder);
        server = builder.build().start();
    }

    private URI uri() {
        return URI.create("ws://127.0.0.1:" + server.port() + "/");
    }

    private TestWebSocketClient connect() {
        TestWebSocketClient client = TestWebSocketClient.connect(uri());
        open.add(client);
        return client;
    }

    private double counter(String name, String tag, String value) {
        return meters.get(name).tag(tag, value).functionCounter().count();
    }

    @Test
    void anAddressOverItsConnectionLimitGets429WithRetryAfter() throws Exception {
        start(b -> b.perIpLimits(2, 0, 1).limitLoopback(true));
        connect();
        // A plain TCP connection that has sent nothing counts too: it holds a socket like any other.
        Socket idle = new Socket(InetAddress.getLoopbackAddress(), server.port());
        open.add(idle);
        handler.awaitConnect();

        HandshakeResponse refused = TestWebSocketClient.builder(uri()).expectRejection();

        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.header("retry-after")).isEqualTo("10");
        assertThat(refused.bodyText()).isEqualTo("Too many connections from your address (limit 2)");
        assertThat(counter("tether.address.refused", "limit", "connections")).isEqualTo(1);

        idle.close();
        TestWebSocketClient again = connectWhenAllowed();
        again.sendPacket(Packet.custom("after"));
        assertThat(again.awaitPacket().data()).isEqualTo("after");
    }

    @Test
    void anAddressOverItsHandshakeRateGets429AndPlainHttpStillAnswers() throws Exception {
        ManualClock clock = new ManualClock();
        start(b -> b.clock(clock).perIpLimits(0, 1, 3).limitLoopback(true));
        for (int i = 0; i < 3; i++) {
            connect().close();
        }

        HandshakeResponse refused = TestWebSocketClient.builder(uri()).expectRejection();

        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.header("retry-after")).isEqualTo("1");
        assertThat(refused.bodyText()).isEqualTo("Too many WebSocket handshakes from your address; retry in 1 s");
        assertThat(httpGet("/health")).startsWith("HTTP/1.1 200");
        assertThat(counter("tether.address.refused", "limit", "handshakes")).isEqualTo(1);

        clock.advance(Duration.ofSeconds(1)); // one more token

        connect().close();
        assertThat(TestWebSocketClient.builder(uri()).expectRejection().status())
                .isEqualTo(429);
    }

    @Test
    void loopbackClientsAreExemptByDefault() {
        start(b -> b.perIpLimits(1, 1, 1));

        for (int i = 0; i < 3; i++) {
            connect();
        }

        for (int i = 0; i < 3; i++) {
            handler.awaitConnect();
        }
        assertThat(server.connectionCount()).isEqualTo(3);
    }

    @Test
    void aSessionOverItsRateIsThrottledAndLosesNothing() {
        ManualClock clock = new ManualClock();
        start(b -> b.clock(clock)
                .pingInterval(Duration.ZERO)
                .idleTimeout(Duration.ZERO)
                .inboundRate(5, 0, InboundRateAction.THROTTLE));
        TestWebSocketClient client = connect();
        for (int i = 0; i < 20; i++) {
            client.sendPacket(Packet.custom(i));
        }

        // Time moves only here, by exactly what each pause asks: the buckets never refill past empty, so every message
        // after the first five (the burst) is over the rate.
        List<Object> echoed = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (echoed.size() < 20 && System.nanoTime() < deadline) {
            Message message = client.pollMessage(Duration.ofMillis(50));
            if (message != null) {
                echoed.add(TestWebSocketClient.decode(client.wireFormat(), message.payload())
                        .data());
                continue;
            }
            Duration due = clock.nextDue();
            if (due != null) {
                clock.advance(due);
            }
        }

        assertThat(echoed).hasSize(20).isSortedAccordingTo((a, b) -> Integer.compare((int) a, (int) b));
        assertThat(counter("tether.inbound.rate.exceeded", "action", "throttle"))
                .isEqualTo(15);
        // Messages already read when a pause starts are still delivered; reading then stays paused until the debt is
        // paid: 15 messages over the burst at 5 per second end the pause at 3 s.
        Duration due = clock.nextDue();
        assertThat(due).as("reading is paused after the last message").isNotNull();
        assertThat(clock.elapsed().plus(due)).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void aSessionOverItsByteRateIsClosedWith1008WhenTheActionIsClose() {
        ManualClock clock = new ManualClock();
        start(b -> b.clock(clock).inboundRate(0, 300, InboundRateAction.CLOSE));
        TestWebSocketClient client = connect();
        client.sendPacket(Packet.custom("x".repeat(200)));
        assertThat(client.awaitPacket().data()).isEqualTo("x".repeat(200));

        client.sendPacket(Packet.custom("y".repeat(200)));

        CloseFrame close = client.awaitClose();
        assertThat(close.code()).isEqualTo(1008);
        assertThat(close.reason()).isEqualTo("Message rate exceeded");
        assertThat(counter("tether.inbound.rate.exceeded", "action", "close")).isEqualTo(1);
        assertThat(handler.awaitPacket().packet().data()).isEqualTo("x".repeat(200));
        assertThat(handler.awaitDisconnect().status().code()).isEqualTo(1008);
    }

    /** Connects, trying again while the server has yet to count the end of a connection that was closed. */
    private TestWebSocketClient connectWhenAllowed() {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            try {
                return connect();
            } catch (HandshakeException refused) {
                assertThat(refused.response().status()).isEqualTo(429);
                assertThat(System.nanoTime())
                        .as("the address is allowed again within 10 s")
                        .isLessThan(deadline);
                Thread.onSpinWait();
            }
        }
    }

    private String httpGet(String path) throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            socket.getOutputStream()
                    .write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
