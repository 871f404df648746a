package dev.tether.examples.homeautomation;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A scripted home-automation server on loopback port 0: {@code auth_required} on connect, the token check, and a
 * responder that answers (or ignores) each command. Records every message clients send and every close frame.
 */
final class FakeHomeServer implements AutoCloseable {
    static final String TOKEN = "good-token";
    private static final ObjectMapper JSON = new ObjectMapper();

    enum Auth {
        OK,
        INVALID,
        SILENT
    }

    /** What the server does with one command. */
    sealed interface Reply permits Result, Failure, Ignore {}

    record Result(Object value) implements Reply {}

    record Failure(String code, String message) implements Reply {}

    record Ignore() implements Reply {}

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final ChannelGroup clients = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final Channel serverChannel;
    final BlockingQueue<Map<String, Object>> received = new ArrayBlockingQueue<>(1024);
    final BlockingQueue<String> closes = new ArrayBlockingQueue<>(16);
    final AtomicInteger accepted = new AtomicInteger();
    volatile Auth auth = Auth.OK;
    volatile Function<Map<String, Object>, Reply> responder = command -> new Result(Map.of("ok", true));

    FakeHomeServer() throws InterruptedException {
        serverChannel = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        accepted.incrementAndGet();
                        ch.pipeline()
                                .addLast(new HttpServerCodec())
                                .addLast(new HttpObjectAggregator(65536))
                                .addLast(new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
                                        .websocketPath("/api/websocket")
                                        .handleCloseFrames(false)
                                        .sendCloseFrame(null) // dropAll() drops: no close frame
                                        .build()))
                                .addLast(new Conversation());
                    }
                })
                .bind(new InetSocketAddress(io.netty.util.NetUtil.LOCALHOST4, 0))
                .sync()
                .channel();
    }

    URI uri() {
        return URI.create(
                "ws://127.0.0.1:" + ((InetSocketAddress) serverChannel.localAddress()).getPort() + "/api/websocket");
    }

    /** The next message a client sent, skipping the auth message; waits up to 10 s. */
    Map<String, Object> take() throws InterruptedException {
        while (true) {
            Map<String, Object> next = received.poll(10, TimeUnit.SECONDS);
            if (next == null) {
                throw new AssertionError("no message within 10 s");
            }
            if (!"auth".equals(next.get("type"))) {
                return next;
            }
        }
    }

    /** The next message of {@code type}; waits up to 10 s. */
    Map<String, Object> take(String type) throws InterruptedException {
        while (true) {
            Map<String, Object> next = take();
            if (type.equals(next.get("type"))) {
                return next;
            }
        }
    }

    void sendEvent(int subscriptionId, Map<String, Object> event) {
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("id", subscriptionId);
        message.put("type", "event");
        message.put("event", event);
        sendText(write(message));
    }

    void sendText(String text) {
        clients.writeAndFlush(new TextWebSocketFrame(text)).syncUninterruptibly();
    }

    void sendBinary(byte[] bytes) {
        clients.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(bytes)))
                .syncUninterruptibly();
    }

    /** Closes every client's TCP connection without a close frame. */
    void dropAll() {
        clients.close().syncUninterruptibly();
    }

    @Override
    public void close() {
        serverChannel.close().syncUninterruptibly();
        clients.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private final class Conversation extends SimpleChannelInboundHandler<WebSocketFrame> {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
                clients.add(ctx.channel());
                ctx.writeAndFlush(new TextWebSocketFrame("{\"type\":\"auth_required\",\"ha_version\":\"2025.1\"}"));
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) throws Exception {
            if (frame instanceof CloseWebSocketFrame close) {
                closes.offer(close.statusCode() + " " + close.reasonText());
                ctx.writeAndFlush(new CloseWebSocketFrame(close.statusCode(), ""))
                        .addListener(ChannelFutureListener.CLOSE);
                return;
            }
            if (!(frame instanceof TextWebSocketFrame text)) {
                return;
            }
            Map<String, Object> message = JSON.readValue(text.text(), new TypeReference<Map<String, Object>>() {});
            received.offer(message);
            if ("auth".equals(message.get("type"))) {
                switch (auth) {
                    case OK ->
                        ctx.writeAndFlush(new TextWebSocketFrame(
                                TOKEN.equals(message.get("access_token"))
                                        ? "{\"type\":\"auth_ok\"}"
                                        : "{\"type\":\"auth_invalid\",\"message\":\"Invalid access token\"}"));
                    case INVALID ->
                        ctx.writeAndFlush(new TextWebSocketFrame(
                                "{\"type\":\"auth_invalid\",\"message\":\"Invalid access token\"}"));
                    case SILENT -> {}
                }
                return;
            }
            Reply reply = responder.apply(message);
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("id", message.get("id"));
            answer.put("type", "result");
            if (reply instanceof Result result) {
                answer.put("success", true);
                answer.put("result", result.value());
            } else if (reply instanceof Failure failure) {
                answer.put("success", false);
                answer.put("error", Map.of("code", failure.code(), "message", failure.message()));
            } else {
                return;
            }
            ctx.writeAndFlush(new TextWebSocketFrame(write(answer)));
        }
    }
}
