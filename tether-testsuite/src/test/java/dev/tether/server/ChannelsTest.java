package dev.tether.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.tether.core.Packet;
import dev.tether.core.PacketCodec;
import dev.tether.core.PacketCodecs;
import dev.tether.core.PacketSource;
import dev.tether.core.WireFormat;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Channel subscriptions, publish and slow-consumer policies over real sockets. */
class ChannelsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final BlockingQueue<Session> connected = new LinkedBlockingQueue<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<AutoCloseable> closeAfter = new ArrayList<>();
    private TetherServer server;

    private TetherServer start(TetherServer.Builder builder) {
        server = builder.host("127.0.0.1")
                .port(0)
                .handler(new TetherHandler() {
                    @Override
                    public void onConnect(Session session) {
                        connected.add(session);
                    }
                })
                .build()
                .start();
        return server;
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : closeAfter) {
            c.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private Session nextSession() throws InterruptedException {
        Session s = connected.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(s).as("a session connected").isNotNull();
        return s;
    }

    // ---- semantics -----------------------------------------------------------------------------------------

    @Test
    void subscriberByNameAndPatternReceivesOncePerChannel() throws Exception {
        start(TetherServer.builder());
        JsonClient client = JsonClient.connect(http, server, false);
        Session session = nextSession();
        assertThat(session.subscribe("news.sport", "news.*", "*")).isTrue();

        assertThat(server.publish("news.sport", "goal")).isEqualTo(1);
        server.publish("end", "marker");

        assertThat(client.next().data()).isEqualTo("goal");
        Packet marker = client.next();
        assertThat(marker.channel()).isEqualTo("end");
        assertThat(marker.source()).isEqualTo(PacketSource.CHANNEL);
    }

    @Test
    void publishDeliversChannelPacketWithTheChannelName() throws Exception {
        start(TetherServer.builder());
        JsonClient client = JsonClient.connect(http, server, false);
        nextSession().subscribe("room.1");

        server.publish("room.1", Map.of("text", "hi"));

        Packet packet = client.next();
        assertThat(packet.source()).isEqualTo(PacketSource.CHANNEL);
        assertThat(packet.channel()).isEqualTo("room.1");
        assertThat(packet.data()).isEqualTo(Map.of("text", "hi"));
    }

    @Test
    void patternSubscribedAfterEarlierPublishesMatchesAtOnce() throws Exception {
        start(TetherServer.builder());
        JsonClient client = JsonClient.connect(http, server, false);
        Session session = nextSession();
        assertThat(server.publish("prices.EUR", 1)).isZero(); // builds the match cache for this name

        session.subscribe("prices.*");

        assertThat(server.publish("prices.EUR", 2)).isEqualTo(1);
        assertThat(client.next().data()).isEqualTo(2);
    }

    @Test
    void subscribeOverTheLimitFailsWithoutPartialEffect() throws Exception {
        start(TetherServer.builder().maxSubscribedChannels(2));
        JsonClient.connect(http, server, false);
        Session session = nextSession();

        assertThat(session.subscribe("a", "b")).isTrue();
        assertThat(session.subscribe("c", "d")).isFalse();
        assertThat(session.subscribe("a")).isTrue(); // already subscribed: no new slot needed
        assertThat(session.subscriptions()).containsExactlyInAnyOrder("a", "b");
    }

    @Test
    void limitOfZeroMeansUnlimited() throws Exception {
        start(TetherServer.builder().maxSubscribedChannels(0));
        JsonClient.connect(http, server, false);
        Session session = nextSession();
        String[] names = new String[200];
        for (int i = 0; i < names.length; i++) {
            names[i] = "c" + i;
        }

        assertThat(session.subscribe(names)).isTrue();
        assertThat(session.subscriptions()).hasSize(200);
    }

    @Test
    void malformedPatternIsRefusedWithAClearMessage() throws Exception {
        start(TetherServer.builder());
        JsonClient.connect(http, server, false);
        Session session = nextSession();

        assertThatThrownBy(() -> session.subscribe("ok", "news.[AB"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("news.[AB");
        assertThat(session.subscriptions()).isEmpty();
    }

    @Test
    void publishingToAPatternIsRefused() {
        start(TetherServer.builder());
        assertThatThrownBy(() -> server.publish("news.*", 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("news.*");
    }

    @Test
    void unsubscribeStopsDeliveryAndEmptyChannelsDisappear() throws Exception {
        start(TetherServer.builder());
        JsonClient.connect(http, server, false);
        Session session = nextSession();
        session.subscribe("a", "b.*");
        assertThat(server.stats().channels()).isEqualTo(2);

        assertThat(session.unsubscribe("a", "b.*", "never")).isTrue();

        assertThat(server.publish("a", 1)).isZero();
        assertThat(server.publish("b.c", 1)).isZero();
        assertThat(server.stats().channels()).isZero();
    }

    @Test
    void subscriptionsEndWithTheSession() throws Exception {
        start(TetherServer.builder());
        JsonClient client = JsonClient.connect(http, server, false);
        Session session = nextSession();
        session.subscribe("a", "b.*");

        client.socket.sendClose(1000, "bye").join();
        session.closeFuture().toCompletableFuture().get(10, TimeUnit.SECONDS);

        assertThat(server.publish("a", 1)).isZero();
        assertThat(server.stats().channels()).isZero();
        assertThat(session.subscribe("c")).isFalse();
    }

    @Test
    void excludeAndFilterChooseRecipients() throws Exception {
        start(TetherServer.builder());
        JsonClient first = JsonClient.connect(http, server, false);
        Session firstSession = nextSession();
        JsonClient second = JsonClient.connect(http, server, false);
        Session secondSession = nextSession();
        JsonClient third = JsonClient.connect(http, server, false);
        Session thirdSession = nextSession();
        for (Session s : List.of(firstSession, secondSession, thirdSession)) {
            s.subscribe("room");
        }
        thirdSession.attributes().put("role", "mod");

        int queued = server.publish(
                List.of("room"),
                "to mods",
                Set.of(firstSession),
                s -> "mod".equals(s.attributes().get("role")));
        server.publish("room", "everyone");

        assertThat(queued).isEqualTo(1);
        assertThat(third.next().data()).isEqualTo("to mods");
        assertThat(first.next().data()).isEqualTo("everyone");
        assertThat(second.next().data()).isEqualTo("everyone");
    }

    @Test
    void messagesOfOneChannelArriveInPublishOrder() throws Exception {
        start(TetherServer.builder());
        JsonClient json = JsonClient.connect(http, server, false);
        nextSession().subscribe("seq");
        JsonClient msgpack = JsonClient.connect(http, server, true);
        nextSession().subscribe("seq");

        for (int i = 0; i < 2000; i++) {
            assertThat(server.publish("seq", i)).isEqualTo(2);
        }

        for (JsonClient client : List.of(json, msgpack)) {
            for (int i = 0; i < 2000; i++) {
                assertThat(client.next().data()).isEqualTo(i);
            }
        }
    }

    @Test
    void publicationIsEncodedOncePerFormatForAThousandSubscribers() throws Exception {
        CountingCodec countingJson = new CountingCodec(PacketCodecs.json());
        CountingCodec countingMsgpack = new CountingCodec(PacketCodecs.msgpack());
        start(TetherServer.builder().packetCodec(countingJson).packetCodec(countingMsgpack));
        List<JsonClient> clients = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            clients.add(JsonClient.connect(http, server, i % 2 == 0));
            nextSession().subscribe("fanout");
        }

        assertThat(server.publish("fanout", "once")).isEqualTo(1000);

        for (JsonClient client : clients) {
            assertThat(client.next().data()).isEqualTo("once");
        }
        assertThat(countingJson.encodes.get()).isEqualTo(1);
        assertThat(countingMsgpack.encodes.get()).isEqualTo(1);
    }

    @Test
    void clientsSubscribeThemselvesThroughTheBuiltInRpcWhenAllowed() throws Exception {
        start(TetherServer.builder().clientSubscriptions((session, name) -> name.startsWith("public.")));
        JsonClient client = JsonClient.connect(http, server, false);
        Session session = nextSession();

        client.socket.sendText(rpcRequest("1", "subscribe", "public.*"), true).join();
        assertThat(client.next().response().response()).isEqualTo(true);
        client.socket.sendText(rpcRequest("2", "subscribe", "private.x"), true).join();
        dev.tether.core.RpcResponse denied = client.next().response();

        assertThat(denied.errorCode()).isEqualTo(dev.tether.core.RpcErrorCode.APPLICATION_ERROR);
        assertThat(denied.response()).isEqualTo("Access denied for channel 'private.x'.");
        assertThat(session.subscriptions()).containsExactly("public.*");
        server.publish("public.news", "hello");
        assertThat(client.next().data()).isEqualTo("hello");

        client.socket.sendText(rpcRequest("3", "unsubscribe", "public.*"), true).join();
        assertThat(client.next().response().response()).isEqualTo(true);
        assertThat(session.subscriptions()).isEmpty();
    }

    @Test
    void builtInSubscribeRpcIsOffByDefault() throws Exception {
        start(TetherServer.builder());
        JsonClient client = JsonClient.connect(http, server, false);
        nextSession();

        client.socket.sendText(rpcRequest("1", "subscribe", "news"), true).join();

        assertThat(client.next().response().errorCode()).isEqualTo(dev.tether.core.RpcErrorCode.METHOD_NOT_FOUND);
    }

    private static String rpcRequest(String callId, String method, String arg) {
        return "{\"source\":5,\"rpc\":{\"type\":\"request\",\"method\":\"" + method + "\",\"args\":[\"" + arg
                + "\"],\"kwargs\":{},\"call_id\":\"" + callId + "\"}}";
    }

    // ---- slow consumers ------------------------------------------------------------------------------------

    private static final int MESSAGES = 3000;
    private static final String FILLER = "x".repeat(1000);

    /** A server whose sessions count as slow after 32 KiB and hold at most 256 KiB. */
    private TetherServer.Builder slowConsumerServer(SlowConsumerPolicy policy) {
        return TetherServer.builder()
                .socketSendBufferBytes(16 << 10) // else the kernel buffers megabytes for the stalled reader
                .writeBufferWaterMarks(16 << 10, 32 << 10)
                .maxQueuedBytes(256 << 10)
                .slowConsumerPolicy(policy)
                .closeTimeout(Duration.ofMillis(200));
    }

    /**
     * Publishes {@code MESSAGES} numbered messages, each after the fast client got the previous one: the fast client
     * keeps up and must get every message in order, while the stalled one falls behind.
     */
    private void publishWhileOneReaderStalls(Session slow, JsonClient fast, String... channels) throws Exception {
        long maxQueued = 0;
        for (int i = 0; i < MESSAGES; i++) {
            server.publish(channels[i % channels.length], Map.of("seq", i, "pad", FILLER));
            assertThat(((Map<?, ?>) fast.next().data()).get("seq")).isEqualTo(i);
            maxQueued = Math.max(maxQueued, slow.queuedBytes());
        }
        // The documented bounds (docs/channels.md): maxQueuedBytes plus the message in flight; for the evicting
        // policies twice that while the session's I/O thread lags behind the publisher.
        SlowConsumerPolicy policy = server.config().slowConsumerPolicy();
        boolean evicting = policy == SlowConsumerPolicy.DROP_OLDEST || policy == SlowConsumerPolicy.CONFLATE;
        long bound = (evicting ? 2L * (256 << 10) : 256 << 10) + 2048;
        assertThat(maxQueued).as("the slow session's memory stays bounded").isLessThanOrEqualTo(bound);
    }

    @Test
    void disconnectPolicyClosesTheSlowSessionWith1008() throws Exception {
        start(slowConsumerServer(SlowConsumerPolicy.DISCONNECT));
        StalledReader stalled = StalledReader.connect(server.port(), closeAfter);
        Session slow = nextSession();
        slow.subscribe("ticks");
        JsonClient fast = JsonClient.connect(http, server, false);
        nextSession().subscribe("ticks");

        publishWhileOneReaderStalls(slow, fast, "ticks");

        CloseStatus status = slow.closeFuture().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(status.code()).isEqualTo(1008);
        assertThat(status.reason()).isEqualTo("slow consumer");
        assertThat(server.stats().slowConsumerDisconnects()).isEqualTo(1);
        assertThat(stalled).isNotNull();
    }

    @Test
    void dropNewestPolicyDropsNewMessagesWhileBehindAndCountsEach() throws Exception {
        start(slowConsumerServer(SlowConsumerPolicy.DROP_NEWEST));
        StalledReader stalled = StalledReader.connect(server.port(), closeAfter);
        Session slow = nextSession();
        slow.subscribe("ticks");
        JsonClient fast = JsonClient.connect(http, server, false);
        nextSession().subscribe("ticks");

        publishWhileOneReaderStalls(slow, fast, "ticks");

        long dropped = server.stats().droppedNewest();
        assertThat(dropped).isPositive();
        // Every message is either delivered, in order, or counted as dropped; the first ones always get through.
        List<Integer> got = stalled.readSeqs((int) (MESSAGES - dropped));
        assertThat(got).isSorted().doesNotHaveDuplicates().startsWith(0, 1, 2);
        assertThat(slow.isOpen()).isTrue();
    }

    @Test
    void dropOldestPolicyKeepsTheLatestMessages() throws Exception {
        start(slowConsumerServer(SlowConsumerPolicy.DROP_OLDEST));
        StalledReader stalled = StalledReader.connect(server.port(), closeAfter);
        Session slow = nextSession();
        slow.subscribe("ticks");
        JsonClient fast = JsonClient.connect(http, server, false);
        nextSession().subscribe("ticks");

        publishWhileOneReaderStalls(slow, fast, "ticks");
        await().atMost(WAIT).until(() -> server.stats().droppedOldest() > 0);
        long dropped = server.stats().droppedOldest();

        List<Integer> got = stalled.readSeqs((int) (MESSAGES - dropped));
        assertThat(got).isSorted().doesNotHaveDuplicates();
        assertThat(got.get(got.size() - 1)).isEqualTo(MESSAGES - 1);
        assertThat(slow.isOpen()).isTrue();
    }

    @Test
    void conflatePolicyKeepsTheLatestMessagePerChannel() throws Exception {
        start(slowConsumerServer(SlowConsumerPolicy.CONFLATE));
        StalledReader stalled = StalledReader.connect(server.port(), closeAfter);
        Session slow = nextSession();
        slow.subscribe("price.*");
        JsonClient fast = JsonClient.connect(http, server, false);
        nextSession().subscribe("price.*");

        publishWhileOneReaderStalls(slow, fast, "price.A", "price.B");
        await().atMost(WAIT).until(() -> server.stats().conflated() > 0);
        long lost = server.stats().conflated() + server.stats().droppedOldest();

        List<Integer> got = stalled.readSeqs((int) (MESSAGES - lost));
        assertThat(got).isSorted().doesNotHaveDuplicates();
        assertThat(got).contains(MESSAGES - 2, MESSAGES - 1); // the latest of each channel
    }

    @Test
    void subscriptionPolicyOverridesTheServerDefault() throws Exception {
        start(slowConsumerServer(SlowConsumerPolicy.DISCONNECT));
        StalledReader stalled = StalledReader.connect(server.port(), closeAfter);
        Session slow = nextSession();
        slow.subscribe(List.of("ticks"), SlowConsumerPolicy.DROP_NEWEST);
        JsonClient fast = JsonClient.connect(http, server, false);
        nextSession().subscribe("ticks");

        publishWhileOneReaderStalls(slow, fast, "ticks");

        assertThat(slow.isOpen()).isTrue();
        assertThat(server.stats().slowConsumerDisconnects()).isZero();
        assertThat(server.stats().droppedNewest()).isPositive();
        assertThat(stalled).isNotNull();
    }

    // ---- test clients --------------------------------------------------------------------------------------

    /** A JDK WebSocket client: JSON (generic) or MessagePack (webshocket.v1), decoding every packet it gets. */
    static final class JsonClient {
        final WebSocket socket;
        final BlockingQueue<Packet> packets;

        private JsonClient(WebSocket socket, BlockingQueue<Packet> packets) {
            this.socket = socket;
            this.packets = packets;
        }

        static JsonClient connect(HttpClient http, TetherServer server, boolean msgpack) {
            BlockingQueue<Packet> packets = new LinkedBlockingQueue<>();
            PacketCodec codec = PacketCodecs.of(msgpack ? WireFormat.MSGPACK : WireFormat.JSON);
            WebSocket.Builder builder = http.newWebSocketBuilder();
            if (msgpack) {
                builder.subprotocols(WireFormat.SUBPROTOCOL);
            }
            WebSocket socket = builder.buildAsync(
                            URI.create("ws://127.0.0.1:" + server.port() + "/"), new WebSocket.Listener() {
                                private final StringBuilder text = new StringBuilder();
                                private final java.io.ByteArrayOutputStream binary =
                                        new java.io.ByteArrayOutputStream();

                                @Override
                                public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                                    text.append(data);
                                    if (last) {
                                        packets.add(codec.decode(text.toString().getBytes(StandardCharsets.UTF_8)));
                                        text.setLength(0);
                                    }
                                    ws.request(1);
                                    return null;
                                }

                                @Override
                                public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
                                    byte[] chunk = new byte[data.remaining()];
                                    data.get(chunk);
                                    binary.writeBytes(chunk);
                                    if (last) {
                                        packets.add(codec.decode(binary.toByteArray()));
                                        binary.reset();
                                    }
                                    ws.request(1);
                                    return null;
                                }
                            })
                    .join();
            return new JsonClient(socket, packets);
        }

        Packet next() throws InterruptedException {
            Packet packet = packets.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(packet).as("a packet arrived within %s", WAIT).isNotNull();
            return packet;
        }
    }

    /**
     * A client that upgrades and then stops reading: its small receive buffer and the server's send buffer fill,
     * and the server sees a slow consumer. {@link #readSeqs} reads what arrived later.
     */
    static final class StalledReader implements AutoCloseable {
        private final Socket socket;
        private final DataInputStream in;

        private StalledReader(Socket socket) throws IOException {
            this.socket = socket;
            this.in = new DataInputStream(socket.getInputStream());
        }

        static StalledReader connect(int port, List<AutoCloseable> closeAfter) throws IOException {
            Socket socket = new Socket();
            socket.setReceiveBufferSize(4096);
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            StalledReader reader = new StalledReader(socket);
            closeAfter.add(reader);
            reader.skipHttpResponse();
            return reader;
        }

        private void skipHttpResponse() throws IOException {
            int matched = 0;
            while (matched < 4) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("connection closed during the handshake");
                }
                matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
            }
        }

        /** Reads {@code count} text frames (unfragmented, unmasked) and returns their {@code seq} values. */
        List<Integer> readSeqs(int count) throws IOException {
            PacketCodec json = PacketCodecs.json();
            List<Integer> seqs = new ArrayList<>();
            while (seqs.size() < count) {
                int head = in.readUnsignedByte();
                int len = in.readUnsignedByte() & 0x7f;
                long length = len == 126 ? in.readUnsignedShort() : len == 127 ? in.readLong() : len;
                byte[] payload = new byte[(int) length];
                in.readFully(payload);
                if ((head & 0x0f) != 0x1) {
                    continue; // not a text frame (a ping, say)
                }
                Packet packet = json.decode(payload);
                seqs.add((Integer) ((Map<?, ?>) packet.data()).get("seq"));
            }
            return seqs;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** Counts encodes, to prove that a publication is encoded once per format whatever the fan-out. */
    static final class CountingCodec implements PacketCodec {
        final PacketCodec delegate;
        final AtomicInteger encodes = new AtomicInteger();

        CountingCodec(PacketCodec delegate) {
            this.delegate = delegate;
        }

        @Override
        public WireFormat format() {
            return delegate.format();
        }

        @Override
        public void encode(Packet packet, OutputStream out) {
            encodes.incrementAndGet();
            delegate.encode(packet, out);
        }

        @Override
        public byte[] encode(Packet packet) {
            encodes.incrementAndGet();
            return delegate.encode(packet);
        }

        @Override
        public Packet decode(byte[] bytes, int offset, int length) {
            return delegate.decode(bytes, offset, length);
        }
    }
}
