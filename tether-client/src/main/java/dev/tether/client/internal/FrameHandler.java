package dev.tether.client.internal;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;

/** Turns frames into session events (JDK types) and answers pings. Frames are released after reading. */
final class FrameHandler extends SimpleChannelInboundHandler<WebSocketFrame> {
    private final DefaultClientSession session;

    FrameHandler(DefaultClientSession session) {
        this.session = session;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        session.inboundFrame();
        if (frame instanceof TextWebSocketFrame text) {
            session.textReceived(text.text());
        } else if (frame instanceof BinaryWebSocketFrame binary) {
            session.binaryReceived(ByteBufUtil.getBytes(binary.content()));
        } else if (frame instanceof PingWebSocketFrame ping) {
            ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain()));
        } else if (frame instanceof PongWebSocketFrame) {
            session.pongReceived();
        } else if (frame instanceof CloseWebSocketFrame close) {
            session.closeReceived(close.statusCode(), close.reasonText());
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        session.socketClosed();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        session.failed(cause);
    }
}
