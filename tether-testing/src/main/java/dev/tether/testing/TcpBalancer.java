package dev.tether.testing;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * A TCP load balancer on loopback for cluster tests: each connection goes to the next backend in turn, and to the
 * one after it when a backend refuses, so clients that reconnect after a node died land on a node that lives. Bytes
 * are copied both ways as they come; when either side closes, the other is closed. It knows nothing of WebSocket.
 *
 * <pre>{@code
 * try (TcpBalancer balancer = TcpBalancer.start(List.of(portA, portB, portC))) {
 *     TetherClient client = TetherClient.create("ws://127.0.0.1:" + balancer.port() + "/");
 * }
 * }</pre>
 */
public final class TcpBalancer implements AutoCloseable {
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final List<Integer> backends;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicInteger forwarded = new AtomicInteger();
    private final Channel server;

    private TcpBalancer(List<Integer> backends) {
        this.backends = new CopyOnWriteArrayList<>(backends);
        this.server = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.AUTO_READ, false)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel inbound) {
                        inbound.pipeline().addLast(new Front());
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0))
                .syncUninterruptibly()
                .channel();
    }

    /** A balancer on a free loopback port over the backends on these loopback ports. */
    public static TcpBalancer start(List<Integer> backendPorts) {
        if (backendPorts.isEmpty()) {
            throw new IllegalArgumentException("backendPorts: [] (expected: at least one)");
        }
        return new TcpBalancer(backendPorts);
    }

    /** The port clients connect to. */
    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** How many connections were forwarded to a backend so far. */
    public int forwarded() {
        return forwarded.get();
    }

    /** Takes the backend on {@code port} out of turn; connections open to it stay until it closes them. */
    public void remove(int port) {
        backends.remove(Integer.valueOf(port));
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** The client's side: connects to a backend, then copies its bytes there. */
    private final class Front extends ChannelInboundHandlerAdapter {
        private @Nullable Channel back;

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            connect(ctx.channel(), next.getAndIncrement(), backends.size());
        }

        private void connect(Channel front, int turn, int triesLeft) {
            List<Integer> ports = backends;
            if (triesLeft <= 0 || ports.isEmpty()) {
                front.close();
                return;
            }
            int port = ports.get(Math.floorMod(turn, ports.size()));
            new Bootstrap()
                    .group(front.eventLoop())
                    .channel(NioSocketChannel.class)
                    .option(ChannelOption.AUTO_READ, false)
                    .handler(new Copier(front))
                    .connect(new InetSocketAddress("127.0.0.1", port))
                    .addListener((ChannelFutureListener) connected -> {
                        if (!connected.isSuccess()) {
                            connect(front, turn + 1, triesLeft - 1);
                            return;
                        }
                        back = connected.channel();
                        forwarded.incrementAndGet();
                        front.pipeline().addLast(new Copier(back));
                        front.pipeline().remove(this);
                        front.read();
                        back.read();
                    });
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            Channel b = back;
            if (b != null) {
                b.close();
            }
        }
    }

    /** Copies what one side reads to the other, reading the next only once it is written. */
    private static final class Copier extends ChannelInboundHandlerAdapter {
        private final Channel other;

        Copier(Channel other) {
            this.other = other;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            other.writeAndFlush(msg).addListener((ChannelFutureListener) written -> {
                if (written.isSuccess()) {
                    ctx.channel().read();
                } else {
                    ctx.channel().close();
                }
            });
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            other.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
