package dev.tether.testing;

import dev.tether.core.Packet;
import dev.tether.core.PacketCodec;
import dev.tether.core.PacketCodecs;
import dev.tether.core.WireFormat;
import dev.tether.testing.internal.ClientEventLoops;
import dev.tether.testing.internal.ClientWireDecoder;
import dev.tether.testing.internal.EventQueue;
import dev.tether.testing.internal.PerMessageDeflate;
import dev.tether.testing.internal.ProtocolViolation;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.DataFormatException;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;

/**
 * A WebSocket client for tests, which records everything the server sends and can send anything, including
 * frames no correct client would write. It is not Tether's client: it has no reconnects and no RPC, and it
 * checks nothing it does not have to, so that a test sees exactly what the server did.
 *
 * <p>What it records: the server's handshake answer ({@link #handshakeResponse()}); every frame ({@link
 * #awaitFrame()}, {@link #receivedFrames()}); reassembled, decompressed data messages ({@link #awaitMessage()},
 * {@link #awaitPacket()}); pings, pongs and the close frame ({@link #awaitClose()}); the end of the TCP
 * connection ({@link #awaitDisconnect()}); and every rule of RFC 6455 the server's frames break ({@link
 * #protocolViolations()}). Pings are answered and a close frame echoed, unless the builder turns that off.
 *
 * <p>What it sends: text and binary messages, whole or in any number of fragments ({@link #sendMessage}), any
 * {@link Frame} masked or not ({@link #send}, {@link #sendUnmasked}), and raw bytes, optionally a few at a time
 * ({@link #sendRaw(byte[], int)}). Sends never block and keep their order.
 *
 * <p>Threads: the client's I/O runs on two daemon threads shared by all clients; its methods may be called
 * from any thread. Every {@code await} waits at most the builder's {@link Builder#timeout timeout} (5 s by
 * default) and fails with an {@link AssertionError} that says what did not arrive.
 *
 * <pre>{@code
 * try (TestWebSocketClient client = TestWebSocketClient.builder(server.uri()).subprotocols("webshocket.v1").connect()) {
 *     client.sendPacket(Packet.custom("hi"));
 *     assertThat(client.awaitPacket().data()).isEqualTo("hi");
 * }
 * }</pre>
 */
public final class TestWebSocketClient implements AutoCloseable {
    /** How long an {@code await} waits unless the builder says otherwise. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    private static final String ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final int QUEUE_CAPACITY = 100_000;

    private final Duration timeout;
    private final boolean autoPong;
    private final boolean autoCloseReply;
    private final boolean offeredDeflate;
    private final List<String> offeredSubprotocols;
    private final SplittableRandom random;

    private final EventQueue<Frame> frames = new EventQueue<>("frame", QUEUE_CAPACITY);
    private final EventQueue<Message> messages = new EventQueue<>("message", QUEUE_CAPACITY);
    private final EventQueue<Frame> pings = new EventQueue<>("ping", QUEUE_CAPACITY);
    private final EventQueue<Frame> pongs = new EventQueue<>("pong", QUEUE_CAPACITY);
    private final List<Frame> history = new ArrayList<>();
    private boolean historyOverflowed;
    private final List<String> violations = new CopyOnWriteArrayList<>();
    private final CompletableFuture<HandshakeResponse> handshakeFuture = new CompletableFuture<>();
    private final CompletableFuture<CloseFrame> closeReceived = new CompletableFuture<>();
    private final CompletableFuture<Void> disconnected = new CompletableFuture<>();
    private final AtomicBoolean closeSent = new AtomicBoolean();
    private volatile @Nullable PerMessageDeflate deflate;

    private final Channel channel;
    private final HandshakeResponse handshake;

    private TestWebSocketClient(Builder b) {
        this.timeout = b.timeout;
        this.autoPong = b.autoPong;
        this.autoCloseReply = b.autoCloseReply;
        this.offeredDeflate = b.deflateOffer != null;
        this.offeredSubprotocols = List.copyOf(b.subprotocols);
        this.random = new SplittableRandom(b.seed);

        String scheme = b.uri.getScheme() == null ? "" : b.uri.getScheme().toLowerCase(Locale.ROOT);
        boolean tls = scheme.equals("wss") || scheme.equals("https");
        String host = b.uri.getHost() == null ? "127.0.0.1" : b.uri.getHost();
        int port = b.uri.getPort() >= 0 ? b.uri.getPort() : tls ? 443 : 80;
        SslContext sslContext = tls ? sslContext(b.trusted) : null;

        Bootstrap bootstrap = new Bootstrap()
                .group(ClientEventLoops.group())
                .channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) timeout.toMillis())
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (sslContext != null) {
                            ch.pipeline().addLast(sslContext.newHandler(ch.alloc(), host, port));
                        }
                        ch.pipeline().addLast(new ClientWireDecoder(b.maxFrameBytes), new Inbound());
                    }
                });
        if (b.receiveBufferBytes > 0) {
            bootstrap.option(ChannelOption.SO_RCVBUF, b.receiveBufferBytes);
        }
        ChannelFuture connect = bootstrap.connect(host, port);
        if (!connect.awaitUninterruptibly(timeout.toMillis() + 1000)) {
            connect.channel().close();
            throw new AssertionError("Could not connect to " + b.uri + " within " + timeout.toMillis() + " ms");
        }
        if (!connect.isSuccess()) {
            throw new AssertionError("Could not connect to " + b.uri + ": " + connect.cause(), connect.cause());
        }
        this.channel = connect.channel();
        if (sslContext != null) {
            SslHandler ssl = channel.pipeline().get(SslHandler.class);
            if (!ssl.handshakeFuture().awaitUninterruptibly(timeout.toMillis())
                    || !ssl.handshakeFuture().isSuccess()) {
                Throwable cause = ssl.handshakeFuture().cause();
                channel.close();
                throw new AssertionError("TLS handshake with " + b.uri + " failed: " + cause, cause);
            }
        }

        String key = Base64.getEncoder().encodeToString(nextBytes(16));
        byte[] request = b.rawRequest != null ? b.rawRequest : b.request(key, host, port);
        channel.writeAndFlush(Unpooled.wrappedBuffer(request));
        HandshakeResponse response = await(handshakeFuture, timeout);
        if (response == null) {
            channel.close();
            throw new AssertionError("No answer to the upgrade request within " + timeout.toMillis() + " ms");
        }
        this.handshake = response;
        if (response.isUpgrade() && b.rawRequest == null) {
            checkUpgrade(response, key, b);
        }
    }

    /** Starts building a client for {@code uri} ({@code ws://}, {@code wss://}). */
    public static Builder builder(URI uri) {
        return new Builder(uri);
    }

    /**
     * Sends {@code request} (ISO-8859-1 text, e.g. a malformed HTTP request) to the server at {@code uri} and
     * returns its answer. A request without {@code Connection: close} is answered and then closed by the client.
     */
    public static HandshakeResponse exchange(URI uri, String request) {
        return builder(uri).rawRequest(request).exchange();
    }

    /** Connects to {@code uri} with no subprotocol: a generic (JSON) client. */
    public static TestWebSocketClient connect(URI uri) {
        return builder(uri).connect();
    }

    // ---------------------------------------------------------------- sending

    /** Sends a TEXT message in one frame (compressed if permessage-deflate was agreed). */
    public void sendText(String text) {
        sendMessage(Frame.TEXT, text.getBytes(StandardCharsets.UTF_8), 1);
    }

    /** Sends a BINARY message in one frame (compressed if permessage-deflate was agreed). */
    public void sendBinary(byte[] data) {
        sendMessage(Frame.BINARY, data, 1);
    }

    /**
     * Sends {@code data} as one message of {@code opcode} split into {@code fragments} frames of nearly equal
     * size (empty ones if there are more fragments than bytes), compressed first if permessage-deflate was
     * agreed. All frames go out in one write.
     */
    public void sendMessage(int opcode, byte[] data, int fragments) {
        if (fragments < 1) {
            throw new IllegalArgumentException("fragments: " + fragments + " (expected: > 0)");
        }
        PerMessageDeflate d = deflate;
        byte[] wire = d == null ? data : d.compress(data);
        Frame[] parts = new Frame[fragments];
        for (int i = 0; i < fragments; i++) {
            int from = (int) ((long) wire.length * i / fragments);
            int to = (int) ((long) wire.length * (i + 1) / fragments);
            parts[i] = new Frame(
                    i == 0 ? opcode : Frame.CONTINUATION,
                    i == fragments - 1,
                    i == 0 && d != null ? Frame.RSV1 : 0,
                    Arrays.copyOfRange(wire, from, to));
        }
        send(parts);
    }

    /**
     * Sends one uncompressed message of {@code opcode} whose frames carry exactly {@code parts}, e.g. a UTF-8
     * character split between two frames.
     */
    public void sendFragments(int opcode, byte[]... parts) {
        if (parts.length == 0) {
            throw new IllegalArgumentException("parts: 0 (expected: > 0)");
        }
        Frame[] frames = new Frame[parts.length];
        for (int i = 0; i < parts.length; i++) {
            frames[i] = new Frame(i == 0 ? opcode : Frame.CONTINUATION, i == parts.length - 1, 0, parts[i]);
        }
        send(frames);
    }

    /** Sends {@code frames} as they are, masked as a client must, in one write. */
    public void send(Frame... frames) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Frame frame : frames) {
            out.writeBytes(frame.encode(nextBytes(4)));
            if (frame.opcode() == Frame.CLOSE) {
                closeSent.set(true);
            }
        }
        write(out.toByteArray());
    }

    /** Sends {@code frame} without a mask, which a server must refuse. */
    public void sendUnmasked(Frame frame) {
        write(frame.encode(null));
    }

    /** Sends a PING. */
    public void sendPing(byte[] payload) {
        send(Frame.ping(payload));
    }

    /** Sends a PONG. */
    public void sendPong(byte[] payload) {
        send(Frame.pong(payload));
    }

    /** Sends a CLOSE frame with {@code code} and {@code reason}; the connection stays up until the server ends it. */
    public void sendClose(int code, String reason) {
        send(Frame.close(code, reason));
    }

    /** Writes {@code bytes} to the connection as they are. */
    public void sendRaw(byte[] bytes) {
        write(bytes);
    }

    /** Writes {@code bytes} as they are, {@code chunkBytes} at a time, each chunk flushed on its own. */
    public void sendRaw(byte[] bytes, int chunkBytes) {
        if (chunkBytes < 1) {
            throw new IllegalArgumentException("chunkBytes: " + chunkBytes + " (expected: > 0)");
        }
        for (int i = 0; i < bytes.length; i += chunkBytes) {
            write(Arrays.copyOfRange(bytes, i, Math.min(bytes.length, i + chunkBytes)));
        }
    }

    /** Encodes {@code packet} in this connection's {@link #wireFormat()} and sends it: MessagePack as BINARY, JSON as TEXT. */
    public void sendPacket(Packet packet) {
        WireFormat format = wireFormat();
        sendMessage(format == WireFormat.MSGPACK ? Frame.BINARY : Frame.TEXT, encode(format, packet), 1);
    }

    // ---------------------------------------------------------------- receiving

    /** Takes the next data message, waiting up to the default timeout. */
    public Message awaitMessage() {
        return awaitMessage(timeout);
    }

    /** Takes the next data message, waiting up to {@code timeout}. */
    public Message awaitMessage(Duration timeout) {
        Message message = messages.poll(timeout);
        if (message == null) {
            throw new AssertionError("No message within " + timeout.toMillis() + " ms" + state());
        }
        return message;
    }

    /** Takes the next data message if one arrives within {@code timeout}; {@code null} otherwise. */
    public @Nullable Message pollMessage(Duration timeout) {
        return messages.poll(timeout);
    }

    /** Takes the next data message and checks it is TEXT. */
    public String awaitText() {
        Message message = awaitMessage();
        if (!message.isText()) {
            throw new AssertionError("Expected a TEXT message, got " + message);
        }
        return message.text();
    }

    /** Takes the next data message and decodes it as a packet in this connection's {@link #wireFormat()}. */
    public Packet awaitPacket() {
        return decode(wireFormat(), awaitMessage().payload());
    }

    /** Takes the next frame of any kind, waiting up to the default timeout. */
    public Frame awaitFrame() {
        Frame frame = frames.poll(timeout);
        if (frame == null) {
            throw new AssertionError("No frame within " + timeout.toMillis() + " ms" + state());
        }
        return frame;
    }

    /** Takes the next PING the server sent. */
    public Frame awaitPing() {
        return awaitPing(timeout);
    }

    /** Takes the next PING the server sent, waiting up to {@code timeout}. */
    public Frame awaitPing(Duration timeout) {
        Frame ping = pings.poll(timeout);
        if (ping == null) {
            throw new AssertionError("No ping within " + timeout.toMillis() + " ms" + state());
        }
        return ping;
    }

    /** Takes the next PONG the server sent. */
    public Frame awaitPong() {
        Frame pong = pongs.poll(timeout);
        if (pong == null) {
            throw new AssertionError("No pong within " + timeout.toMillis() + " ms" + state());
        }
        return pong;
    }

    /** Waits for the server's CLOSE frame. */
    public CloseFrame awaitClose() {
        return awaitClose(timeout);
    }

    /**
     * Waits up to {@code timeout} for the server's CLOSE frame.
     *
     * @throws AssertionError if none came in time, or the connection ended without one
     */
    public CloseFrame awaitClose(Duration timeout) {
        await(CompletableFuture.anyOf(closeReceived, disconnected), timeout);
        CloseFrame close = closeReceived.getNow(null);
        if (close == null) {
            throw new AssertionError((disconnected.isDone()
                            ? "The connection ended without a close frame"
                            : "No close frame within " + timeout.toMillis() + " ms")
                    + state());
        }
        return close;
    }

    /** Waits until the TCP connection has ended. */
    public void awaitDisconnect() {
        awaitDisconnect(timeout);
    }

    /** Waits up to {@code timeout} until the TCP connection has ended. */
    public void awaitDisconnect(Duration timeout) {
        await(disconnected, timeout);
        if (!disconnected.isDone()) {
            throw new AssertionError("The connection was still up after " + timeout.toMillis() + " ms" + state());
        }
    }

    /** Every frame received so far, in order (whether or not taken by {@link #awaitFrame()}). */
    public List<Frame> receivedFrames() {
        synchronized (history) {
            if (historyOverflowed) {
                throw new AssertionError("More than " + QUEUE_CAPACITY + " frames arrived; later ones were not kept");
            }
            return List.copyOf(history);
        }
    }

    /** The CLOSE frame the server sent, if one arrived. */
    public @Nullable CloseFrame closeFrame() {
        return closeReceived.getNow(null);
    }

    /** The rules of RFC 6455 the server's frames broke, in order; empty for a correct server. */
    public List<String> protocolViolations() {
        return List.copyOf(violations);
    }

    // ---------------------------------------------------------------- connection

    /** The server's answer to the upgrade request. */
    public HandshakeResponse handshakeResponse() {
        return handshake;
    }

    /** The subprotocol the server chose, or {@code null}. */
    public @Nullable String subprotocol() {
        return handshake.header("sec-websocket-protocol");
    }

    /** MessagePack if the server chose {@code webshocket.v1}, JSON otherwise. */
    public WireFormat wireFormat() {
        return WireFormat.SUBPROTOCOL.equals(subprotocol()) ? WireFormat.MSGPACK : WireFormat.JSON;
    }

    /** Whether permessage-deflate was agreed. */
    public boolean isCompressed() {
        return deflate != null;
    }

    /** Whether the TCP connection is up. */
    public boolean isConnected() {
        return channel.isActive();
    }

    /** Stops reading from the socket, so the server's writes back up; see {@link Builder#receiveBufferBytes}. */
    public void pauseReading() {
        channel.config().setAutoRead(false);
    }

    /** Reads from the socket again. */
    public void resumeReading() {
        channel.config().setAutoRead(true);
    }

    /** Ends the TCP connection without a close frame (FIN). */
    public void dropConnection() {
        channel.close().awaitUninterruptibly(timeout.toMillis());
    }

    /** Ends the TCP connection with a reset (RST) and without a close frame. */
    public void resetConnection() {
        channel.eventLoop().execute(() -> {
            channel.config().setOption(ChannelOption.SO_LINGER, 0);
            channel.close();
        });
        awaitDisconnect();
    }

    /**
     * Closes politely: reads again if paused, sends close 1000 unless a close frame was already sent, waits
     * briefly for the server to end the connection, then ends it. Safe to call more than once.
     */
    @Override
    public void close() {
        resumeReading(); // the server's close frame may wait behind everything it queued while we paused
        if (channel.isActive() && handshake.isUpgrade() && !closeSent.get()) {
            sendClose(1000, "");
        }
        if (channel.isActive() && handshake.isUpgrade()) {
            await(disconnected, timeout.compareTo(Duration.ofSeconds(2)) < 0 ? timeout : Duration.ofSeconds(2));
        }
        channel.close().awaitUninterruptibly(timeout.toMillis());
    }

    @Override
    public String toString() {
        return "TestWebSocketClient{" + channel + state() + "}";
    }

    // ---------------------------------------------------------------- packets

    /** The codec of {@code format}. */
    public static PacketCodec codec(WireFormat format) {
        return format == WireFormat.MSGPACK ? PacketCodecs.msgpack() : PacketCodecs.json();
    }

    /** Encodes {@code packet} in {@code format}. */
    public static byte[] encode(WireFormat format, Packet packet) {
        return codec(format).encode(packet);
    }

    /** Decodes {@code bytes} in {@code format}; input that is not a packet becomes an UNKNOWN packet. */
    public static Packet decode(WireFormat format, byte[] bytes) {
        return codec(format).decode(bytes);
    }

    // ---------------------------------------------------------------- internals

    private void write(byte[] bytes) {
        channel.writeAndFlush(Unpooled.wrappedBuffer(bytes));
    }

    private synchronized byte[] nextBytes(int n) {
        byte[] bytes = new byte[n];
        random.nextBytes(bytes);
        return bytes;
    }

    private String state() {
        CloseFrame close = closeReceived.getNow(null);
        return " [" + (channel.isActive() ? "connected" : "disconnected")
                + (close == null ? "" : ", received " + close)
                + (messages.size() == 0 ? "" : ", " + messages.size() + " messages not taken")
                + (violations.isEmpty() ? "" : ", protocol violations " + violations) + "]";
    }

    private void checkUpgrade(HandshakeResponse response, String key, Builder b) {
        String accept = response.header("sec-websocket-accept");
        if (!b.omitted.contains("sec-websocket-key") && !acceptFor(key).equals(accept)) {
            channel.close();
            throw new HandshakeException(
                    "Sec-WebSocket-Accept: " + accept + " (expected: " + acceptFor(key) + ")", response);
        }
        String protocol = response.header("sec-websocket-protocol");
        if (protocol != null && !offeredSubprotocols.contains(protocol)) {
            violations.add("the server chose subprotocol '" + protocol + "', which was not offered");
        }
        if (!offeredDeflate && response.header("sec-websocket-extensions") != null) {
            violations.add("the server answered extensions " + response.header("sec-websocket-extensions")
                    + " that were not offered");
        }
    }

    private static String acceptFor(String key) {
        try {
            byte[] sha1 =
                    MessageDigest.getInstance("SHA-1").digest((key + ACCEPT_GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(sha1);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static SslContext sslContext(@Nullable X509Certificate trusted) {
        try {
            SslContextBuilder builder = SslContextBuilder.forClient();
            if (trusted != null) {
                builder.trustManager(trusted);
            }
            return builder.build();
        } catch (SSLException e) {
            throw new IllegalStateException("Cannot build the client's TLS context: " + e, e);
        }
    }

    private static <T> @Nullable T await(CompletableFuture<T> future, Duration timeout) {
        try {
            return future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return null;
        } catch (ExecutionException e) {
            throw new AssertionError(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("Interrupted", e);
        }
    }

    private static boolean isValidUtf8(byte[] bytes) {
        try {
            StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    /** Records what the decoder produced and answers pings and closes; runs on the client's I/O thread. */
    private final class Inbound extends ChannelInboundHandlerAdapter {
        private final ByteArrayOutputStream message = new ByteArrayOutputStream();
        private int messageOpcode = -1;
        private int messageFrames;
        private boolean messageCompressed;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HandshakeResponse response) {
                if (response.isUpgrade()) {
                    deflate = offeredDeflate
                            ? PerMessageDeflate.fromResponse(response.header("sec-websocket-extensions"))
                            : null;
                } else {
                    ctx.close();
                }
                handshakeFuture.complete(response);
            } else if (msg instanceof Frame frame) {
                onFrame(ctx, frame);
            } else if (msg instanceof ProtocolViolation violation) {
                violations.add(violation.description());
            }
        }

        private void onFrame(ChannelHandlerContext ctx, Frame frame) {
            synchronized (history) {
                if (history.size() < QUEUE_CAPACITY) {
                    history.add(frame);
                } else {
                    historyOverflowed = true;
                }
            }
            frames.add(frame);
            if (closeReceived.isDone()) {
                violations.add("a frame after the close frame: " + frame);
            }
            boolean dataStart = frame.opcode() == Frame.TEXT || frame.opcode() == Frame.BINARY;
            int allowedRsv = dataStart && deflate != null ? Frame.RSV1 : 0;
            if ((frame.rsv() & ~allowedRsv) != 0) {
                violations.add("reserved bits " + frame.rsv() + " set: " + frame);
            }
            if (frame.isControl() && (!frame.fin() || frame.payload().length > 125)) {
                violations.add("a control frame must be final and carry at most 125 bytes: " + frame);
            }
            switch (frame.opcode()) {
                case Frame.TEXT, Frame.BINARY -> {
                    if (messageOpcode != -1) {
                        violations.add("a new message started inside a fragmented one: " + frame);
                    }
                    message.reset();
                    messageOpcode = frame.opcode();
                    messageFrames = 0;
                    messageCompressed = (frame.rsv() & Frame.RSV1) != 0 && deflate != null;
                    appendData(frame);
                }
                case Frame.CONTINUATION -> {
                    if (messageOpcode == -1) {
                        violations.add("a continuation frame outside a message: " + frame);
                    } else {
                        appendData(frame);
                    }
                }
                case Frame.CLOSE -> onClose(ctx, frame);
                case Frame.PING -> {
                    pings.add(frame);
                    if (autoPong && !closeSent.get()) {
                        ctx.writeAndFlush(Unpooled.wrappedBuffer(
                                Frame.pong(frame.payload()).encode(nextBytes(4))));
                    }
                }
                case Frame.PONG -> pongs.add(frame);
                default -> violations.add("a reserved opcode: " + frame);
            }
        }

        private void appendData(Frame frame) {
            message.writeBytes(frame.payload());
            messageFrames++;
            if (!frame.fin()) {
                return;
            }
            byte[] payload = message.toByteArray();
            PerMessageDeflate d = deflate;
            if (messageCompressed && d != null) {
                try {
                    payload = d.decompress(payload);
                } catch (DataFormatException e) {
                    violations.add("a compressed message did not inflate: " + e.getMessage());
                }
            }
            if (messageOpcode == Frame.TEXT && !isValidUtf8(payload)) {
                violations.add("a TEXT message that is not valid UTF-8 (" + payload.length + " bytes)");
            }
            messages.add(new Message(messageOpcode, payload, messageFrames));
            messageOpcode = -1;
            message.reset();
        }

        private void onClose(ChannelHandlerContext ctx, Frame frame) {
            CloseFrame close = CloseFrame.parse(frame.payload());
            if (close.code() == -1) {
                violations.add("a close frame with a one-byte payload");
            }
            closeReceived.complete(close);
            messages.finish();
            if (autoCloseReply && closeSent.compareAndSet(false, true)) {
                Frame reply = close.code() == CloseFrame.NO_STATUS
                        ? Frame.close(new byte[0])
                        : Frame.close(close.code() == -1 ? 1002 : close.code(), "");
                ctx.writeAndFlush(Unpooled.wrappedBuffer(reply.encode(nextBytes(4))));
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            handshakeFuture.complete(HandshakeResponse.none());
            messages.finish();
            frames.finish();
            pings.finish();
            pongs.finish();
            disconnected.complete(null);
            PerMessageDeflate d = deflate;
            if (d != null) {
                d.end();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (!(cause instanceof IOException)) {
                violations.add("the client failed to read the server's bytes: " + cause);
            }
            ctx.close();
        }
    }

    /** Settings for one {@link TestWebSocketClient}. Not thread-safe. */
    public static final class Builder {
        private final URI uri;
        private final List<String> subprotocols = new ArrayList<>();
        private final Map<String, String> headers = new LinkedHashMap<>();
        private final List<String> omitted = new ArrayList<>();
        private @Nullable X509Certificate trusted;
        private @Nullable String deflateOffer;
        private boolean autoPong = true;
        private boolean autoCloseReply = true;
        private Duration timeout = DEFAULT_TIMEOUT;
        private int receiveBufferBytes;
        private long maxFrameBytes = 64 << 20;
        private byte @Nullable [] rawRequest;
        private long seed = 0x7E7E_7E7EL;

        private Builder(URI uri) {
            this.uri = uri;
        }

        /** Offers these subprotocols, in one {@code Sec-WebSocket-Protocol} header. */
        public Builder subprotocols(String... subprotocols) {
            this.subprotocols.addAll(List.of(subprotocols));
            return this;
        }

        /** Adds a request header, e.g. {@code Origin}; replaces a default header of the same name. */
        public Builder header(String name, String value) {
            headers.put(name, value);
            return this;
        }

        /** Leaves out a header the client sends by default, e.g. {@code Sec-WebSocket-Key}. */
        public Builder withoutHeader(String name) {
            omitted.add(name.toLowerCase(Locale.ROOT));
            return this;
        }

        /** Trusts {@code certificate} for {@code wss://} (default: the JDK's trusted authorities). */
        public Builder trust(X509Certificate certificate) {
            this.trusted = certificate;
            return this;
        }

        /** Offers permessage-deflate with no parameters. */
        public Builder perMessageDeflate() {
            return perMessageDeflate("permessage-deflate");
        }

        /**
         * Offers permessage-deflate as written, e.g. {@code permessage-deflate; client_no_context_takeover}. Do
         * not offer {@code client_max_window_bits}: the client cannot honour a smaller window.
         */
        public Builder perMessageDeflate(String offer) {
            this.deflateOffer = offer;
            return this;
        }

        /** Whether pings are answered (default true); off, the client looks dead to keep-alive checks. */
        public Builder autoPong(boolean autoPong) {
            this.autoPong = autoPong;
            return this;
        }

        /** Whether the server's close frame is echoed (default true). */
        public Builder autoCloseReply(boolean autoCloseReply) {
            this.autoCloseReply = autoCloseReply;
            return this;
        }

        /** How long connecting and every {@code await} may take (default 5 s). */
        public Builder timeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout: " + timeout + " (expected: > 0)");
            }
            this.timeout = timeout;
            return this;
        }

        /** The socket's receive buffer; small values make a paused client push back on the server sooner. */
        public Builder receiveBufferBytes(int receiveBufferBytes) {
            this.receiveBufferBytes = receiveBufferBytes;
            return this;
        }

        /** The largest frame the client reads (default 64 MiB); a larger one is a violation and ends the connection. */
        public Builder maxFrameBytes(long maxFrameBytes) {
            this.maxFrameBytes = maxFrameBytes;
            return this;
        }

        /** Sends exactly these bytes instead of an upgrade request (for malformed requests); no checks follow. */
        public Builder rawRequest(byte[] request) {
            this.rawRequest = request.clone();
            return this;
        }

        /** Sends exactly this text (ISO-8859-1) instead of an upgrade request. */
        public Builder rawRequest(String request) {
            return rawRequest(request.getBytes(StandardCharsets.ISO_8859_1));
        }

        /** The seed of the key and masks (default fixed), so runs are reproducible. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Connects and upgrades.
         *
         * @throws HandshakeException if the server did not switch protocols (its answer is in the exception)
         *     or answered the upgrade wrongly
         * @throws AssertionError if the server could not be reached or did not answer in time
         */
        public TestWebSocketClient connect() {
            TestWebSocketClient client = new TestWebSocketClient(this);
            if (!client.handshake.isUpgrade()) {
                client.channel.close();
                throw new HandshakeException("The server refused the upgrade", client.handshake);
            }
            return client;
        }

        /**
         * Sends the request and returns the server's answer, which must not be an upgrade: for tests of
         * refused handshakes (503, 403, 400). The connection is closed afterwards.
         *
         * @throws AssertionError if the server switched protocols
         */
        public HandshakeResponse expectRejection() {
            TestWebSocketClient client = new TestWebSocketClient(this);
            client.channel.close().awaitUninterruptibly(timeout.toMillis());
            if (client.handshake.isUpgrade()) {
                throw new AssertionError(
                        "Expected the server to refuse the upgrade, but it switched protocols: " + client.handshake);
            }
            return client.handshake;
        }

        /**
         * Sends the request and returns whatever the server answered, upgrade or not, then closes the
         * connection: for plain HTTP requests written by hand (with {@link #rawRequest}).
         */
        public HandshakeResponse exchange() {
            TestWebSocketClient client = new TestWebSocketClient(this);
            client.channel.close().awaitUninterruptibly(timeout.toMillis());
            return client.handshake;
        }

        private byte[] request(String key, String host, int port) {
            String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
            if (uri.getRawQuery() != null) {
                path += "?" + uri.getRawQuery();
            }
            Map<String, String> all = new LinkedHashMap<>();
            all.put("Host", host.contains(":") ? "[" + host + "]:" + port : host + ":" + port);
            all.put("Upgrade", "websocket");
            all.put("Connection", "Upgrade");
            all.put("Sec-WebSocket-Key", key);
            all.put("Sec-WebSocket-Version", "13");
            if (!subprotocols.isEmpty()) {
                all.put("Sec-WebSocket-Protocol", String.join(", ", subprotocols));
            }
            if (deflateOffer != null) {
                all.put("Sec-WebSocket-Extensions", deflateOffer);
            }
            headers.forEach((name, value) -> {
                all.keySet().removeIf(existing -> existing.equalsIgnoreCase(name));
                all.put(name, value);
            });
            all.keySet().removeIf(name -> omitted.contains(name.toLowerCase(Locale.ROOT)));
            StringBuilder request = new StringBuilder("GET ").append(path).append(" HTTP/1.1\r\n");
            all.forEach((name, value) ->
                    request.append(name).append(": ").append(value).append("\r\n"));
            return request.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
        }
    }
}
