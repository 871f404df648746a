package dev.tether.client.internal;

import dev.tether.client.AuthenticationException;
import dev.tether.client.ConnectionException;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.websocketx.Utf8FrameValidator;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketHandshakeException;
import org.jspecify.annotations.Nullable;

/**
 * Sends the upgrade request when the socket opens, checks the answer, and then replaces itself with the frame
 * handlers. An HTTP 401 or 403 answer is an authentication rejection (fatal); any other refusal is retried.
 */
final class UpgradeHandler extends SimpleChannelInboundHandler<FullHttpResponse> {
    private final WebSocketClientHandshaker handshaker;
    private final DefaultClientSession session;
    private final int maxMessageBytes;

    UpgradeHandler(WebSocketClientHandshaker handshaker, DefaultClientSession session, int maxMessageBytes) {
        this.handshaker = handshaker;
        this.session = session;
        this.maxMessageBytes = maxMessageBytes;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        handshaker.handshake(ctx.channel()).addListener(f -> {
            if (!f.isSuccess()) {
                session.upgradeFailed(f.cause());
            }
        });
        ctx.fireChannelActive();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
        try {
            handshaker.finishHandshake(ctx.channel(), response);
        } catch (WebSocketHandshakeException e) {
            session.upgradeFailed(refusal(e, response));
            ctx.close();
            return;
        }
        // finishHandshake put "ws-decoder" right after the HTTP codec. Text is checked for UTF-8 frame by frame, so
        // a bad message fails with 1007 as soon as its bad bytes arrive; then continuation frames are joined.
        ctx.pipeline()
                .addAfter("ws-decoder", "ws-utf8", new Utf8FrameValidator(false))
                .addAfter("ws-utf8", "ws-aggregator", new WebSocketFrameAggregator(maxMessageBytes));
        ctx.pipeline().replace(this, "frames", new FrameHandler(session));
        session.upgraded(handshaker.actualSubprotocol());
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        session.upgradeFailed(new ConnectionException("the server closed the connection during the WebSocket upgrade"));
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        session.upgradeFailed(cause);
        ctx.close();
    }

    private static ConnectionException refusal(WebSocketHandshakeException e, FullHttpResponse response) {
        @Nullable HttpResponse answer = e instanceof WebSocketClientHandshakeException c ? c.response() : null;
        HttpResponseStatus status = answer != null ? answer.status() : response.status();
        String message = "the server refused the WebSocket upgrade: HTTP " + status;
        if (status.code() == 401 || status.code() == 403) {
            return new AuthenticationException(message, e);
        }
        return new ConnectionException(message, e);
    }
}
