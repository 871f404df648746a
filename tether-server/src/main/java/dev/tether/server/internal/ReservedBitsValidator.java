package dev.tether.server.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;

/**
 * Checks the reserved bits on a connection that negotiated permessage-deflate. Netty's decoder stops checking
 * them altogether once extensions are allowed, but permessage-deflate gives meaning to RSV1 alone, and only on the
 * first frame of a data message (RFC 7692 section 6): RSV2, RSV3, and RSV1 on a control or continuation frame still
 * fail the connection with 1002.
 */
final class ReservedBitsValidator extends ChannelInboundHandlerAdapter {
    private static final int RSV1 = 0b100;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof WebSocketFrame frame) {
            int rsv = frame.rsv();
            boolean firstDataFrame = frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame;
            if ((rsv & ~RSV1) != 0 || (rsv == RSV1 && !firstDataFrame)) {
                frame.release();
                ctx.fireExceptionCaught(new CorruptedWebSocketFrameException(
                        WebSocketCloseStatus.PROTOCOL_ERROR,
                        "reserved bits " + Integer.toBinaryString(rsv) + " on a "
                                + frame.getClass().getSimpleName() + " (expected: RSV1 on a first data frame only)"));
                return;
            }
        }
        ctx.fireChannelRead(msg);
    }
}
