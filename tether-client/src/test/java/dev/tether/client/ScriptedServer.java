package dev.tether.client;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
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
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * A WebSocket server on loopback port 0 that plays any script: it records what clients send and hands every message
 * to a hook that may answer with raw frames (e.g. bytes captured from the Python server).
 */
final class ScriptedServer implements AutoCloseable {
    /** One connected client, as the script talks to it. */
    interface Peer {
        void sendBinary(byte[] bytes);

        void sendText(String text);
    }

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final ChannelGroup clients = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final Channel serverChannel;
    final BlockingQueue<byte[]> binaries = new ArrayBlockingQueue<>(1024);
    final BlockingQueue<String> texts = new ArrayBlockingQueue<>(1024);
    private volatile BiConsumer<Peer, byte[]> onBinary = (peer, bytes) -> {};
    private volatile BiConsumer<Peer, String> onText = (peer, text) -> {};

    private ScriptedServer(String subprotocols) throws InterruptedException {
        serverChannel = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline()
                                .addLast(new HttpServerCodec())
                                .addLast(new HttpObjectAggregator(65536))
                                .addLast(new WebSocketServerProtocolHandler(
                                        "/", subprotocols.isEmpty() ? null : subprotocols, false, 1 << 20))
                                .addLast(new WebSocketFrameAggregator(1 << 20))
                                .addLast(new Script());
                        clients.add(ch);
                    }
                })
                .bind(new InetSocketAddress(io.netty.util.NetUtil.LOCALHOST4, 0))
                .sync()
                .channel();
    }

    /** Starts a server that accepts these subprotocols (none: a generic server). */
    static ScriptedServer start(String... subprotocols) throws InterruptedException {
        return new ScriptedServer(String.join(",", subprotocols));
    }

    URI uri() {
        return URI.create("ws://127.0.0.1:" + ((InetSocketAddress) serverChannel.localAddress()).getPort() + "/");
    }

    void onBinary(BiConsumer<Peer, byte[]> hook) {
        this.onBinary = hook;
    }

    void onText(BiConsumer<Peer, String> hook) {
        this.onText = hook;
    }

    byte[] takeBinary() throws InterruptedException {
        byte[] bytes = binaries.poll(10, TimeUnit.SECONDS);
        if (bytes == null) {
            throw new AssertionError("no binary message within 10 s");
        }
        return bytes;
    }

    String takeText() throws InterruptedException {
        String text = texts.poll(10, TimeUnit.SECONDS);
        if (text == null) {
            throw new AssertionError("no text message within 10 s");
        }
        return text;
    }

    @Override
    public void close() {
        serverChannel.close().syncUninterruptibly();
        clients.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private final class Script extends SimpleChannelInboundHandler<WebSocketFrame> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
            Channel ch = ctx.channel();
            Peer peer = new Peer() {
                @Override
                public void sendBinary(byte[] bytes) {
                    ch.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(bytes)));
                }

                @Override
                public void sendText(String text) {
                    ch.writeAndFlush(new TextWebSocketFrame(text));
                }
            };
            if (frame instanceof BinaryWebSocketFrame) {
                byte[] bytes = ByteBufUtil.getBytes(frame.content());
                binaries.offer(bytes);
                onBinary.accept(peer, bytes);
            } else if (frame instanceof TextWebSocketFrame text) {
                String value = text.text();
                texts.offer(value);
                onText.accept(peer, value);
            }
        }
    }
}
