package dev.tether.server.internal;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import java.net.InetSocketAddress;

/**
 * Counts each connection against its client address's {@link AddressLimits} for as long as it is open, and leaves
 * the address's entry on the channel for the {@link HttpRouter}, which answers 429 on its behalf. One instance serves
 * every connection.
 */
@ChannelHandler.Sharable
final class AddressTracker extends ChannelInboundHandlerAdapter {
    static final AttributeKey<AddressLimits.Entry> ENTRY = AttributeKey.valueOf("tether.address");

    private final AddressLimits limits;

    AddressTracker(AddressLimits limits) {
        this.limits = limits;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (ctx.channel().remoteAddress() instanceof InetSocketAddress remote && remote.getAddress() != null) {
            AddressLimits.Entry entry = limits.opened(remote.getAddress());
            if (entry != null) {
                ctx.channel().attr(ENTRY).set(entry);
            }
        }
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        AddressLimits.Entry entry = ctx.channel().attr(ENTRY).getAndSet(null);
        if (entry != null) {
            limits.closed(entry);
        }
        ctx.fireChannelInactive();
    }
}
