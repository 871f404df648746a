package dev.tether.testing.fault;

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
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.NetUtil;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * A TCP proxy on loopback port 0 in front of a real server, that cuts connections when the test says so: the client
 * sees what a broken network does to it (no close frame, bytes in flight lost) while the server behind stays up.
 * In front of several servers it is a load balancer for cluster tests: each new connection goes to the next server
 * in turn, or to the one after it when that one refuses, so clients that reconnect after a node died land on one that
 * lives.
 *
 * <pre>{@code
 * try (FaultProxy proxy = FaultProxy.start(server.port())) {
 *     // connect a client to "ws://127.0.0.1:" + proxy.port() + "/" …
 *     proxy.dropAll(); // the client sees an abnormal drop and reconnects through the proxy
 * }
 * }</pre>
 *
 * <p>Bytes are relayed as they come, both ways, with back-pressure (a side reads only while the other can write).
 * Control methods act on the connections open now and return when done; new connections are accepted as before.
 */
public final class FaultProxy implements AutoCloseable {
    private final EventLoopGroup group;
    private final Channel serverChannel;
    private final List<Integer> targetPorts;
    private final AtomicInteger turn = new AtomicInteger();
    private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final AtomicInteger accepted = new AtomicInteger();
    private volatile boolean refusing;

    private FaultProxy(List<Integer> targetPorts) throws InterruptedException {
        this.targetPorts = List.copyOf(targetPorts);
        this.group = FaultServer.eventLoop("tether-fault-proxy-");
        this.serverChannel = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.AUTO_READ, false)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        accepted.incrementAndGet();
                        connections.add(ch);
                        ch.pipeline().addLast(new Frontend());
                    }
                })
                .bind(new InetSocketAddress(NetUtil.LOCALHOST4, 0))
                .sync()
                .channel();
    }

    /** Starts a proxy to {@code 127.0.0.1:targetPort}. */
    public static FaultProxy start(int targetPort) {
        return start(List.of(targetPort));
    }

    /** Starts a proxy that spreads connections over the servers on these loopback ports, skipping those that refuse. */
    public static FaultProxy start(List<Integer> targetPorts) {
        if (targetPorts.isEmpty()) {
            throw new IllegalArgumentException("targetPorts: [] (expected: at least one)");
        }
        for (int targetPort : targetPorts) {
            if (targetPort < 1 || targetPort > 65535) {
                throw new IllegalArgumentException("targetPort: " + targetPort + " (expected: 1..65535)");
            }
        }
        try {
            return new FaultProxy(targetPorts);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while binding the proxy", e);
        }
    }

    /** The port clients connect to. */
    public int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    /** How many connections the proxy has accepted so far. */
    public int accepted() {
        return accepted.get();
    }

    /**
     * Cuts every open connection on both sides with a TCP reset, as a broken network would: no close frame, and
     * whatever was in flight is lost.
     */
    public void dropAll() throws InterruptedException {
        for (Channel ch : connections) {
            ch.config().setOption(ChannelOption.SO_LINGER, 0);
        }
        connections.close().await();
    }

    /**
     * While {@code refuse} is true, a new connection is accepted and closed at once, before any byte goes through
     * (the client's handshake fails): a network that is still down. Connections already open are left alone.
     */
    public void refuseNewConnections(boolean refuse) {
        refusing = refuse;
    }

    /** Stops accepting, cuts every connection and releases the thread; waits for it. */
    @Override
    public void close() {
        serverChannel.close().syncUninterruptibly();
        connections.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** The client's side: connects to the target, then relays what the client sends. */
    private final class Frontend extends ChannelInboundHandlerAdapter {
        private @Nullable Channel backend;

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            if (refusing) {
                ctx.channel().config().setOption(ChannelOption.SO_LINGER, 0);
                ctx.close();
                return;
            }
            connect(ctx.channel(), turn.getAndIncrement(), targetPorts.size());
        }

        /** Connects to the target of {@code next}, or to the following one when it refuses, trying each once. */
        private void connect(Channel frontend, int next, int triesLeft) {
            if (triesLeft == 0) {
                frontend.close();
                return;
            }
            int targetPort = targetPorts.get(Math.floorMod(next, targetPorts.size()));
            new Bootstrap()
                    .group(frontend.eventLoop())
                    .channel(NioSocketChannel.class)
                    .option(ChannelOption.AUTO_READ, false)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            connections.add(ch);
                            ch.pipeline().addLast(new Relay(frontend));
                        }
                    })
                    .connect(new InetSocketAddress(NetUtil.LOCALHOST4, targetPort))
                    .addListener((ChannelFutureListener) connected -> {
                        if (connected.isSuccess()) {
                            Channel target = connected.channel();
                            backend = target;
                            frontend.read();
                            target.read();
                        } else {
                            connect(frontend, next + 1, triesLeft - 1);
                        }
                    });
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            Channel target = backend;
            if (target == null || !target.isActive()) {
                ReferenceCountUtil.release(msg);
                return;
            }
            relay(ctx.channel(), target, msg);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            Channel target = backend;
            if (target != null) {
                closeAfterFlush(target);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** The server's side: relays what the server sends to the client. */
    private static final class Relay extends ChannelInboundHandlerAdapter {
        private final Channel frontend;

        Relay(Channel frontend) {
            this.frontend = frontend;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            relay(ctx.channel(), frontend, msg);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            closeAfterFlush(frontend);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** Writes {@code msg} to {@code to}, and reads more from {@code from} once it is written. */
    private static void relay(Channel from, Channel to, Object msg) {
        to.writeAndFlush(msg).addListener((ChannelFutureListener) written -> {
            if (written.isSuccess()) {
                from.read();
            } else {
                written.channel().close();
                from.close();
            }
        });
    }

    private static void closeAfterFlush(Channel ch) {
        if (ch.isActive()) {
            ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
