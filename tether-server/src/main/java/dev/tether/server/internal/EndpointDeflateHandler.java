package dev.tether.server.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.compression.ZlibCodecFactory;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketServerExtensionHandler;
import io.netty.handler.codec.http.websocketx.extensions.compression.PerMessageDeflateServerExtensionHandshaker;
import io.netty.util.AttributeKey;

/**
 * permessage-deflate for the endpoints that allow it. Netty's extension handler sits in front of the router and
 * sees every upgrade; it agrees the extension only where the router, having found the endpoint, said so for this
 * connection. Only permessage-deflate: Netty's compression handler would also accept the obsolete
 * x-webkit-deflate-frame when a client offers it first.
 */
final class EndpointDeflateHandler extends WebSocketServerExtensionHandler {
    private static final AttributeKey<Boolean> ALLOWED = AttributeKey.valueOf("tether.deflate");

    /** zlib's default trade of speed for size, as Netty's default handshaker uses. */
    private static final int COMPRESSION_LEVEL = 6;

    /**
     * {@code maxInflatedBytes}: the largest message any endpoint accepts; each endpoint checks its own after.
     *
     * <p>Every parameter of RFC 7692 a client may ask of the server is granted: {@code server_no_context_takeover}
     * (a fresh compressor per message) and {@code server_max_window_bits} 9-15 (JZlib compresses with the smaller
     * window, since the JDK's Deflater has only 15). Declining them made Autobahn's cases 13.2-13.6 UNIMPLEMENTED:
     * such a client got no compression at all.
     */
    EndpointDeflateHandler(int maxInflatedBytes) {
        super(new PerMessageDeflateServerExtensionHandshaker(
                COMPRESSION_LEVEL,
                ZlibCodecFactory.isSupportingWindowSizeAndMemLevel(),
                PerMessageDeflateServerExtensionHandshaker.MAX_WINDOW_SIZE,
                true,
                false,
                PerMessageDeflateServerExtensionHandshaker.MAX_WINDOW_SIZE,
                PerMessageDeflateServerExtensionHandshaker.DEFAULT_MEM_LEVEL,
                maxInflatedBytes));
    }

    /** This connection's upgrade response may agree permessage-deflate; set before the handshake. */
    static void allow(Channel channel) {
        channel.attr(ALLOWED).set(Boolean.TRUE);
    }

    @Override
    protected boolean isExtensionNegotiationEnabled(ChannelHandlerContext ctx, HttpResponse response) {
        return ctx.channel().hasAttr(ALLOWED) && super.isExtensionNegotiationEnabled(ctx, response);
    }
}
