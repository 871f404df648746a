package dev.tether.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.Packet;
import dev.tether.core.PacketCodec;
import dev.tether.core.PacketCodecs;
import dev.tether.core.RpcRequest;
import dev.tether.core.RpcResponse;
import dev.tether.core.WireFormat;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A test client on the JDK's WebSocket: a generic JSON client, or a framework client speaking MessagePack
 * ({@code webshocket.v1}, binary frames). Received packets queue up; the {@code await*} methods wait with a bound.
 * Reading can be paused, which stops the JDK client from reading the socket.
 */
final class WsClient implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(10);

    private final PacketCodec codec;
    private final WebSocket ws;
    private final BlockingQueue<Packet> packets = new LinkedBlockingQueue<>();
    private final CompletableFuture<String> closed = new CompletableFuture<>();
    private final AtomicBoolean paused = new AtomicBoolean();
    private final AtomicInteger owed = new AtomicInteger();
    private final AtomicInteger nextId = new AtomicInteger();
    private final AtomicLong sentBytes = new AtomicLong();
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private final StringBuilder partialText = new StringBuilder();

    private WsClient(WireFormat format, int port) {
        this(format, port, "/", Map.of());
    }

    private WsClient(WireFormat format, int port, String pathAndQuery, Map<String, String> headers) {
        this.codec = PacketCodecs.of(format);
        WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder();
        if (format == WireFormat.MSGPACK) {
            builder.subprotocols("webshocket.v1");
        }
        headers.forEach(builder::header);
        this.ws = builder.buildAsync(URI.create("ws://127.0.0.1:" + port + pathAndQuery), new Listener())
                .orTimeout(WAIT.toMillis(), TimeUnit.MILLISECONDS)
                .join();
    }

    static WsClient json(TetherServer server) {
        return new WsClient(WireFormat.JSON, server.port());
    }

    static WsClient msgpack(TetherServer server) {
        return new WsClient(WireFormat.MSGPACK, server.port());
    }

    /** A JSON client of {@code pathAndQuery} (e.g. {@code /?token=T}) that sends {@code headers} with its upgrade. */
    static WsClient json(TetherServer server, String pathAndQuery, Map<String, String> headers) {
        return new WsClient(WireFormat.JSON, server.port(), pathAndQuery, headers);
    }

    static WsClient of(WireFormat format, TetherServer server) {
        return new WsClient(format, server.port());
    }

    /** Sends a request with positional arguments and returns its call id. */
    String call(String method, Object... args) {
        String id = "c" + nextId.incrementAndGet();
        send(Packet.rpc(RpcRequest.of(method, id, args)));
        return id;
    }

    /** Sends a request with keyword arguments and returns its call id. */
    String callKw(String method, List<Object> args, Map<String, Object> kwargs) {
        String id = "c" + nextId.incrementAndGet();
        send(Packet.rpc(new RpcRequest(method, new ArrayList<>(args), kwargs, id)));
        return id;
    }

    void abort(String streamCallId) {
        send(Packet.rpc(RpcRequest.abort(streamCallId, "abort-" + nextId.incrementAndGet())));
    }

    void send(Packet packet) {
        byte[] bytes = codec.encode(packet);
        sentBytes.addAndGet(bytes.length);
        if (codec.format() == WireFormat.JSON) {
            ws.sendText(new String(bytes, StandardCharsets.UTF_8), true).join();
        } else {
            ws.sendBinary(ByteBuffer.wrap(bytes), true).join();
        }
    }

    /** The next packet, waiting up to {@link #WAIT}. */
    Packet next() throws InterruptedException {
        Packet p = packets.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(p).as("a packet within " + WAIT).isNotNull();
        return p;
    }

    /** The next RPC response. */
    RpcResponse reply() throws InterruptedException {
        RpcResponse r = next().response();
        assertThat(r).as("an RPC response").isNotNull();
        return r;
    }

    /** Calls and waits for the single reply, which must belong to the call. */
    RpcResponse callAndWait(String method, Object... args) throws InterruptedException {
        String id = call(method, args);
        RpcResponse r = reply();
        assertThat(r.callId()).isEqualTo(id);
        return r;
    }

    /** The replies to a streaming call up to and including its end. */
    List<RpcResponse> streamReplies(String callId) throws InterruptedException {
        List<RpcResponse> all = new ArrayList<>();
        while (true) {
            RpcResponse r = reply();
            assertThat(r.callId()).isEqualTo(callId);
            all.add(r);
            if (r.isEnd()) {
                return all;
            }
        }
    }

    /** Whether no packet arrives within {@code wait}. */
    boolean quietFor(Duration wait) throws InterruptedException {
        return packets.poll(wait.toMillis(), TimeUnit.MILLISECONDS) == null;
    }

    /** The close code and reason, {@code "1013 Rate limit exceeded"}, waiting up to {@link #WAIT}. */
    String awaitClose() {
        return closed.orTimeout(WAIT.toMillis(), TimeUnit.MILLISECONDS).join();
    }

    /** The bytes of every message sent so far (payloads, without frame headers). */
    long sentBytes() {
        return sentBytes.get();
    }

    /** Sends a close frame with {@code code} and waits for the server's; returns its code and reason. */
    String closeWith(int code, String reason) {
        ws.sendClose(code, reason)
                .orTimeout(WAIT.toMillis(), TimeUnit.MILLISECONDS)
                .join();
        return awaitClose();
    }

    /** Stops reading: the JDK client then stops reading the socket. */
    void pauseReading() {
        paused.set(true);
    }

    void resumeReading() {
        paused.set(false);
        int n = owed.getAndSet(0);
        if (n > 0) {
            ws.request(n);
        }
    }

    @Override
    public void close() {
        if (!ws.isOutputClosed()) {
            ws.sendClose(1000, "").orTimeout(2, TimeUnit.SECONDS).exceptionally(e -> null);
        }
        ws.abort();
    }

    private final class Listener implements WebSocket.Listener {
        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partialText.append(data);
            if (last) {
                packets.add(codec.decode(partialText.toString().getBytes(StandardCharsets.UTF_8)));
                partialText.setLength(0);
            }
            more(webSocket);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            partial.writeBytes(bytes);
            if (last) {
                packets.add(codec.decode(partial.toByteArray()));
                partial.reset();
            }
            more(webSocket);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode + " " + reason);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.complete("error " + error);
        }

        private void more(WebSocket webSocket) {
            if (paused.get()) {
                owed.incrementAndGet();
            } else {
                webSocket.request(1);
            }
        }
    }
}
