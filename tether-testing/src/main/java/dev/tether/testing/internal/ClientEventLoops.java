package dev.tether.testing.internal;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The I/O threads every {@code TestWebSocketClient} shares: two daemon threads, created on first use and never
 * shut down, so that a test class does not pay for a thread pool per client.
 */
public final class ClientEventLoops {
    private ClientEventLoops() {}

    private static final class Holder {
        static final EventLoopGroup GROUP = new MultiThreadIoEventLoopGroup(
                2, new DefaultThreadFactory("tether-test-client", true), NioIoHandler.newFactory());
    }

    /** The shared group. */
    public static EventLoopGroup group() {
        return Holder.GROUP;
    }
}
