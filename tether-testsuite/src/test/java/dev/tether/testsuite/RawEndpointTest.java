package dev.tether.testsuite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.core.ManualClock;
import dev.tether.server.OverflowPolicy;
import dev.tether.server.TetherServer;
import dev.tether.server.WebSocketEndpoint;
import dev.tether.server.WebSocketListener;
import dev.tether.server.WebSocketSession;
import dev.tether.testing.CloseFrame;
import dev.tether.testing.Frame;
import dev.tether.testing.HandshakeResponse;
import dev.tether.testing.Message;
import dev.tether.testing.RecordingHandler;
import dev.tether.testing.RecordingListener;
import dev.tether.testing.TestWebSocketClient;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Raw WebSocket endpoints: messages as they came, per-endpoint limits, and the listener's lifecycle. */
class RawEndpointTest {
    private final List<TetherServer> servers = new ArrayList<>();

    @AfterEach
    void closeServers() {
        servers.forEach(TetherServer::close);
    }

    /** A server with one raw endpoint at {@code /raw} whose events go to {@code listener}. */
    private URI start(WebSocketListener listener, UnaryOperator<WebSocketEndpoint.Builder> settings) {
        TetherServer server = Support.startServer(b -> b.webSocket(
                settings.apply(WebSocketEndpoint.builder("/raw", listener)).build()));
        servers.add(server);
        return Support.uri(server).resolve("/raw");
    }

    @Test
    void textAndBinaryMessagesComeBackAsTheyWereSent() {
        RecordingListener listener = RecordingListener.echoing();
        URI uri = start(listener, b -> b);
        try (TestWebSocketClient client = TestWebSocketClient.connect(uri)) {
            client.sendText("hello, raw");
            client.sendBinary(new byte[] {0, 1, 2, (byte) 0xff});

            Message text = client.awaitMessage();
            Message binary = client.awaitMessage();
            assertThat(text.opcode()).isEqualTo(Frame.TEXT);
            assertThat(text.text()).isEqualTo("hello, raw");
            assertThat(binary.opcode()).isEqualTo(Frame.BINARY);
            assertThat(binary.payload()).containsExactly(0, 1, 2, 0xff);
        }
        assertThat(listener.awaitClose().status().code()).isEqualTo(1000);
        assertThat(listener.contractViolations()).isEmpty();
    }

    @Test
    void fragmentedMessageReachesTheListenerWholeWithItsType() {
        RecordingListener listener = new RecordingListener();
        URI uri = start(listener, b -> b);
        try (TestWebSocketClient client = TestWebSocketClient.connect(uri)) {
            client.sendFragments(
                    Frame.TEXT,
                    "frag".getBytes(StandardCharsets.UTF_8),
                    "men".getBytes(StandardCharsets.UTF_8),
                    "ted".getBytes(StandardCharsets.UTF_8));

            RecordingListener.Received received = listener.awaitMessage();
            assertThat(received.isText()).isTrue();
            assertThat(received.text()).isEqualTo("fragmented");
        }
    }

    @Test
    void firstOfferedSubprotocolTheEndpointSpeaksIsAgreed() {
        RecordingListener listener = new RecordingListener();
        URI uri = start(listener, b -> b.subprotocols("chat.v2", "chat.v1"));
        try (TestWebSocketClient client = TestWebSocketClient.builder(uri)
                .subprotocols("other", "chat.v1", "chat.v2")
                .connect()) {
            assertThat(client.subprotocol()).isEqualTo("chat.v1");
            assertThat(listener.awaitOpen().subprotocol()).isEqualTo("chat.v1");
        }
    }

    @Test
    void upgradeRequestIsVisibleToTheListener() {
        RecordingListener listener = new RecordingListener();
        URI uri = start(listener, b -> b);
        try (TestWebSocketClient client = TestWebSocketClient.builder(URI.create(uri + "?room=7"))
                .header("X-Device", "sensor-1")
                .connect()) {
            WebSocketSession session = listener.awaitOpen();
            assertThat(session.request().path()).isEqualTo("/raw");
            assertThat(session.request().query()).containsEntry("room", List.of("7"));
            assertThat(session.request().headers()).containsEntry("x-device", "sensor-1");
            assertThat(session.request().body()).isEmpty();
        }
    }

    @Test
    void originOutsideTheEndpointsListIsRefusedWith403() {
        URI uri = start(new RecordingListener(), b -> b.allowedOrigins(Set.of("https://good.example")));
        HandshakeResponse response = TestWebSocketClient.builder(uri)
                .header("Origin", "https://evil.example")
                .expectRejection();

        assertThat(response.status()).isEqualTo(403);
        assertThat(response.bodyText()).contains("https://evil.example");
    }

    @Test
    void unknownPathIsRefusedWith404() {
        URI uri = start(new RecordingListener(), b -> b);
        HandshakeResponse response =
                TestWebSocketClient.builder(uri.resolve("/elsewhere")).expectRejection();

        assertThat(response.status()).isEqualTo(404);
    }

    @Test
    void messageOverTheEndpointsLimitClosesWith1009() {
        RecordingListener listener = new RecordingListener();
        URI uri = start(listener, b -> b.maxFrameBytes(1024).maxMessageBytes(4096));
        try (TestWebSocketClient client = TestWebSocketClient.connect(uri)) {
            client.sendMessage(Frame.BINARY, new byte[8000], 8); // 1,000-byte fragments, 8,000 bytes in all

            CloseFrame close = client.awaitClose();
            assertThat(close.code()).isEqualTo(1009);
            assertThat(close.reason()).contains("4096");
        }
        assertThat(listener.awaitClose().status().code()).isEqualTo(1009);
    }

    @Test
    void messageLargerThanTheQueueBoundIsSentWhenNothingWaits() {
        RecordingListener listener = RecordingListener.echoing();
        URI uri = start(
                listener,
                b -> b.maxQueuedBytes(16 * 1024).maxMessageBytes(1 << 20).maxFrameBytes(1 << 20));
        byte[] large = Support.binary(256 * 1024);
        try (TestWebSocketClient client = TestWebSocketClient.connect(uri)) {
            client.sendBinary(large);

            assertThat(client.awaitMessage().payload()).isEqualTo(large);
        }
        assertThat(listener.awaitOpen().droppedMessages()).isZero();
    }

    @Test
    void overflowRefusePolicyRefusesTheSendAndKeepsTheSessionOpen() throws Exception {
        CompletableFuture<Integer> accepted = new CompletableFuture<>();
        RecordingListener listener = new RecordingListener(new WebSocketListener() {
            @Override
            public void onOpen(WebSocketSession session) {
                // On the I/O thread nothing is flushed until this returns: the queue fills.
                int sent = 0;
                while (session.sendBinary(new byte[16 * 1024])) {
                    sent++;
                }
                accepted.complete(sent);
            }
        });
        URI uri = start(listener, b -> b.maxQueuedBytes(64 * 1024));
        try (TestWebSocketClient client = TestWebSocketClient.connect(uri)) {
            WebSocketSession session = listener.awaitOpen();
            int sent = accepted.get(5, TimeUnit.SECONDS);
            for (int i = 0; i < sent; i++) {
                assertThat(client.awaitMessage().payload()).hasSize(16 * 1024);
            }

            assertThat(sent).isBetween(3, 4); // 16 KiB frames within 64 KiB, Netty's per-message overhead included
            assertThat(session.droppedMessages()).isEqualTo(1);
            assertThat(session.isOpen()).isTrue();
            assertThat(session.sendText("still open")).isTrue();
            assertThat(client.awaitText()).isEqualTo("still open");
        }
    }

    @Test
    void overflowClosePolicyClosesTheSlowSessionWith1008() {
        RecordingListener listener = new RecordingListener(new WebSocketListener() {
            @Override
            public void onOpen(WebSocketSession session) {
                while (session.sendBinary(new byte[16 * 1024])) {
                    // fill the queue
                }
            }
        });
        URI uri = start(listener, b -> b.maxQueuedBytes(64 * 1024).overflowPolicy(OverflowPolicy.CLOSE));
        try (TestWebSocketClient client = TestWebSocketClient.connect(uri)) {
            CloseFrame close = client.awaitClose();

            assertThat(close.code()).isEqualTo(1008);
            assertThat(close.reason()).isEqualTo("outbound queue full");
        }
        RecordingListener.Closed closed = listener.awaitClose();
        assertThat(closed.status().code()).isEqualTo(1008);
        assertThat(closed.session().droppedMessages()).isEqualTo(1);
    }

    @Test
    void blockingListenerGetsMessagesInOrderOnAWorker() {
        List<String> threads = new java.util.concurrent.CopyOnWriteArrayList<>();
        RecordingListener listener = new RecordingListener(new WebSocketListener() {
            @Override
            public void onText(WebSocketSession session, String text) {
                threads.add(Thread.currentThread().getName());
            }
        });
        URI uri = start(listener, b -> b.blockingListener(true).maxInboundQueuedMessages(4));
        try (TestWebSocketClient client = TestWebSocketClient.connect(uri)) {
            for (int i = 0; i < 100; i++) {
                client.sendText(Integer.toString(i));
            }
            for (int i = 0; i < 100; i++) {
                assertThat(listener.awaitMessage().text()).isEqualTo(Integer.toString(i));
            }
        }
        assertThat(threads).noneMatch(name -> name.startsWith("tether-io"));
        assertThat(listener.contractViolations()).isEmpty();
    }

    @Test
    void listenerThatThrowsIsToldAndTheSessionClosesWith1011() {
        RecordingListener listener = new RecordingListener(new WebSocketListener() {
            @Override
            public void onText(WebSocketSession session, String text) {
                throw new IllegalStateException("listener broke on " + text);
            }
        });
        URI uri = start(listener, b -> b);
        try (TestWebSocketClient client = TestWebSocketClient.connect(uri)) {
            client.sendText("boom");

            assertThat(client.awaitClose().code()).isEqualTo(1011);
        }
        assertThat(listener.awaitError()).hasMessage("listener broke on boom");
        assertThat(listener.awaitClose().status().code()).isEqualTo(1011);
        assertThat(listener.contractViolations()).isEmpty();
    }

    @Test
    void protocolViolationIsReportedThenTheConnectionFails() {
        RecordingListener listener = new RecordingListener();
        URI uri = start(listener, b -> b);
        try (TestWebSocketClient client = TestWebSocketClient.connect(uri)) {
            client.sendUnmasked(Frame.text("not masked"));

            Support.assertFailedWith(client, 1002);
        }
        assertThat(listener.awaitError()).isNotNull();
        assertThat(listener.awaitClose().status().code()).isEqualTo(1002);
    }

    @Test
    void rawAndWebshocketEndpointsShareOnePort() {
        RecordingListener listener = RecordingListener.echoing();
        RecordingHandler handler = RecordingHandler.echoing();
        TetherServer server = Support.startServer(b -> b.handler(handler)
                .webSocket(WebSocketEndpoint.builder("/raw", listener).build()));
        servers.add(server);
        try (TestWebSocketClient raw =
                        TestWebSocketClient.connect(Support.uri(server).resolve("/raw"));
                TestWebSocketClient webshocket = TestWebSocketClient.connect(Support.uri(server))) {
            raw.sendText("plain");
            webshocket.sendText("{\"source\":4,\"data\":\"packet\"}");

            assertThat(raw.awaitText()).isEqualTo("plain");
            assertThat(webshocket.awaitPacket().data()).isEqualTo("packet");
            assertThat(server.connectionCount()).isEqualTo(2);
            assertThat(server.sessions()).hasSize(1);
        }
    }

    @Test
    void endpointOnTheWebshocketPathIsRefusedAtBuild() {
        TetherServer.Builder builder = TetherServer.builder()
                .path("/ws")
                .webSocket(WebSocketEndpoint.builder("/ws", new RecordingListener())
                        .build());

        assertThatThrownBy(builder::build)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("/ws");
    }

    @Test
    void endpointSettingsAreValidatedWithTheirNames() {
        assertThatThrownBy(() -> WebSocketEndpoint.builder("raw", new RecordingListener()))
                .hasMessage("path: 'raw' (expected: starting with /)");
        assertThatThrownBy(() -> WebSocketEndpoint.builder("/raw", new RecordingListener())
                        .maxFrameBytes(2048)
                        .maxMessageBytes(1024)
                        .build())
                .hasMessage("maxFrameBytes: 2048 (expected: <= maxMessageBytes 1024)");
        assertThatThrownBy(() -> WebSocketEndpoint.builder("/raw", new RecordingListener())
                        .maxQueuedBytes(0))
                .hasMessage("maxQueuedBytes: 0 (expected: 1..9223372036854775807)");
    }

    @Test
    void prefixEndpointTakesUpgradesToPathsBelowItsOwn() {
        RecordingListener listener = new RecordingListener();
        URI uri = start(listener, b -> b.prefix(true));
        try (TestWebSocketClient client = TestWebSocketClient.connect(URI.create(uri + "/abc.def"))) {
            assertThat(listener.awaitOpen().request().path()).isEqualTo("/raw/abc.def");
        }
        assertThat(TestWebSocketClient.builder(URI.create(uri + "x"))
                        .expectRejection()
                        .status())
                .isEqualTo(404);
    }

    @Test
    void endpointThatIsNoPrefixRefusesPathsBelowItsOwn() {
        URI uri = start(new RecordingListener(), b -> b);

        assertThat(TestWebSocketClient.builder(URI.create(uri + "/abc"))
                        .expectRejection()
                        .status())
                .isEqualTo(404);
    }

    @Test
    void exactPathWinsOverAPrefixAbove() {
        RecordingListener prefix = new RecordingListener();
        RecordingListener exact = new RecordingListener();
        TetherServer server = Support.startServer(b -> b.webSocket(
                        WebSocketEndpoint.builder("/raw", prefix).prefix(true).build())
                .webSocket(WebSocketEndpoint.builder("/raw/exact", exact).build()));
        servers.add(server);
        try (TestWebSocketClient client =
                TestWebSocketClient.connect(Support.uri(server).resolve("/raw/exact"))) {
            assertThat(exact.awaitOpen().request().path()).isEqualTo("/raw/exact");
        }
        try (TestWebSocketClient client =
                TestWebSocketClient.connect(Support.uri(server).resolve("/raw/exact-not"))) {
            assertThat(prefix.awaitOpen().request().path()).isEqualTo("/raw/exact-not");
        }
    }

    @Test
    void originsCompareWithoutRegardToCase() {
        RecordingListener listener = new RecordingListener();
        URI uri = start(listener, b -> b.allowedOrigins(Set.of("https://Good.example")));
        try (TestWebSocketClient client = TestWebSocketClient.builder(uri)
                .header("Origin", "HTTPS://GOOD.EXAMPLE")
                .connect()) {
            assertThat(listener.awaitOpen().request().headers()).containsEntry("origin", "HTTPS://GOOD.EXAMPLE");
        }
    }

    @Test
    void requestWithoutOriginIsAcceptedUnlessOriginIsRequired() {
        RecordingListener listener = new RecordingListener();
        URI lenient = start(listener, b -> b.allowedOrigins(Set.of("https://good.example")));
        try (TestWebSocketClient client = TestWebSocketClient.connect(lenient)) {
            listener.awaitOpen();
        }
        servers.forEach(TetherServer::close);
        servers.clear();
        URI strict = start(
                new RecordingListener(),
                b -> b.allowedOrigins(Set.of("https://good.example")).originRequired(true));

        HandshakeResponse response = TestWebSocketClient.builder(strict).expectRejection();

        assertThat(response.status()).isEqualTo(403);
        assertThat(response.bodyText()).isEqualTo("Origin required");
    }

    @Test
    void executorRunsTasksOnTheConnectionsThreadAfterTheCallback() throws Exception {
        CompletableFuture<List<String>> events = new CompletableFuture<>();
        RecordingListener listener = new RecordingListener(new WebSocketListener() {
            @Override
            public void onOpen(WebSocketSession session) {
                List<String> seen = new ArrayList<>();
                Thread callbackThread = Thread.currentThread();
                session.executor().execute(() -> {
                    seen.add("task on " + (Thread.currentThread() == callbackThread ? "callback thread" : "other"));
                    events.complete(seen);
                });
                seen.add("callback");
            }
        });
        URI uri = start(listener, b -> b);
        try (TestWebSocketClient client = TestWebSocketClient.connect(uri)) {
            assertThat(events.get(5, TimeUnit.SECONDS)).containsExactly("callback", "task on callback thread");
            WebSocketSession session = listener.awaitOpen();
            assertThatThrownBy(() -> session.executor().shutdown()).isInstanceOf(UnsupportedOperationException.class);
            assertThat(session.executor().isShutdown()).isFalse();
        }
    }

    @Test
    void endpointsCloseTimeoutDropsAClientThatDoesNotAnswerTheClose() throws Exception {
        ManualClock clock = new ManualClock();
        RecordingListener listener = new RecordingListener(new WebSocketListener() {
            @Override
            public void onText(WebSocketSession session, String text) {
                session.close(1000, "bye");
            }
        });
        TetherServer server = Support.startServer(b -> b.clock(clock)
                .webSocket(WebSocketEndpoint.builder("/raw", listener)
                        .closeTimeout(Duration.ofMillis(100))
                        .build()));
        servers.add(server);
        try (TestWebSocketClient client = TestWebSocketClient.builder(
                        Support.uri(server).resolve("/raw"))
                .autoCloseReply(false)
                .connect()) {
            listener.awaitOpen();
            // A ping answered proves the I/O thread has set the connection's timers (the keepalive's) before we count.
            client.sendPing(new byte[0]);
            client.awaitPong();
            int timers = clock.pendingTasks();
            client.sendText("close please");
            assertThat(client.awaitClose().reason()).isEqualTo("bye");
            assertThat(clock.awaitPendingTasks(timers + 1, Duration.ofSeconds(5)))
                    .isTrue();

            clock.advance(Duration.ofMillis(100)); // the server's own close timeout is 2 s

            client.awaitDisconnect();
        }
        assertThat(listener.awaitClose().status().code()).isEqualTo(1000);
    }
}
