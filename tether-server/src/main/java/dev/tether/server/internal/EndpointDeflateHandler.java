package dev.tether.server.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketServerExtensionHandler;
import io.netty.util.AttributeKey;

/**
 * permessage-deflate for the endpoints that allow it. Netty's extension handler sits in front of the router and
 * sees every upgrade; it agrees the extension only where the router, having found the endpoint, said so for this
 * connection. Only permessage-deflate: Netty's compression handler would also accept the obsolete
 * x-webkit-deflate-frame when a client offers it first. One per connection, as its {@link DeflateHandshaker} is.
 */
final class EndpointDeflateHandler extends WebSocketServerExtensionHandler {
    private static final AttributeKey<Boolean> ALLOWED = AttributeKey.valueOf("tether.deflate");

    /** {@code maxInflatedBytes}: the largest message any endpoint accepts; each endpoint checks its own after. */
    EndpointDeflateHandler(DeflateSettings settings, int maxInflatedBytes, Channel channel) {
        super(new DeflateHandshaker(settings, maxInflatedBytes, channel));
    }

    /** This connection's upgrade response may agree permessage-deflate; set before the handshake. */
    static void allow(Channel channel) {
        channel.attr(ALLOWED).set(Boolean.TRUE);
    }

    @Override
    protected void onHttpRequestChannelRead(ChannelHandlerContext ctx, HttpRequest request) throws Exception {
        DeflateHandshaker.reset(ctx.channel());
        super.onHttpRequestChannelRead(ctx, request);
    }

    @Override
    protected boolean isExtensionNegotiationEnabled(ChannelHandlerContext ctx, HttpResponse response) {
        return ctx.channel().hasAttr(ALLOWED) && super.isExtensionNegotiationEnabled(ctx, response);
    }
}
