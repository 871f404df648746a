package dev.tether.server.internal;

import dev.tether.core.CloseCodes;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.CodecException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.compression.DecompressionException;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of an upgraded channel: reassembles messages within the size limit, answers control frames,
 * feeds the closing handshake and the {@link Keepalive}, and hands each complete message to its
 * {@link WsConnection}, whatever protocol it carries.
 *
 * <p>Frame-level violations (bad opcodes, reserved bits, invalid UTF-8, oversized frames, bad close codes) are
 * answered by Netty's decoder and {@code Utf8FrameValidator} before they get here; they arrive as a
 * {@link CorruptedWebSocketFrameException} whose close code the connection records.
 */
final class FrameHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(FrameHandler.class);

    private final WsConnection connection;
    private final int maxMessageBytes;
    private final Keepalive keepalive;

    private @Nullable CompositeByteBuf fragments;
    private boolean fragmentsText;
    private boolean discardingOversized;

    FrameHandler(WsConnection connection) {
        this.connection = connection;
        this.maxMessageBytes = connection.settings().maxMessageBytes();
        this.keepalive = new Keepalive(
                connection,
                connection.settings().pingInterval(),
                connection.settings().idleTimeout());
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        keepalive.start(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        keepalive.read();
        if (!(msg instanceof WebSocketFrame frame)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (frame instanceof PingWebSocketFrame) {
            if (!connection.closing()) {
                ctx.writeAndFlush(new PongWebSocketFrame(frame.content()));
            } else {
                frame.release();
            }
        } else if (frame instanceof PongWebSocketFrame) {
            frame.release();
        } else if (frame instanceof CloseWebSocketFrame close) {
            int code = close.statusCode();
            String reason = code < 0 ? "" : close.reasonText();
            close.release();
            // Echo the client's code (RFC 6455 5.5.1); an empty close is answered with an empty one.
            CloseWebSocketFrame reply = code < 0 ? new CloseWebSocketFrame() : new CloseWebSocketFrame(code, "");
            connection.peerClosed(code < 0 ? 1005 : code, reason, reply);
        } else if (connection.closing()) {
            frame.release(); // data after a close frame is ignored
        } else {
            dataFrame(ctx, frame);
        }
    }

    private void dataFrame(ChannelHandlerContext ctx, WebSocketFrame frame) {
        boolean continuation = frame instanceof ContinuationWebSocketFrame;
        if (discardingOversized) {
            discardingOversized = !frame.isFinalFragment();
            frame.release();
            return;
        }
        if (!continuation && frame.isFinalFragment()) {
            message(frame.content(), frame instanceof TextWebSocketFrame);
            return;
        }
        if (!continuation) {
            fragments = ctx.alloc().compositeBuffer(Integer.MAX_VALUE);
            fragmentsText = frame instanceof TextWebSocketFrame;
        }
        CompositeByteBuf assembled = fragments;
        if (assembled == null) {
            frame.release(); // cannot happen: the decoder rejects a continuation without a start
            return;
        }
        if ((long) assembled.readableBytes() + frame.content().readableBytes() > maxMessageBytes) {
            frame.release();
            assembled.release();
            fragments = null;
            discardingOversized = !frame.isFinalFragment();
            connection.startClose(CloseCodes.MESSAGE_TOO_BIG, tooBig());
            return;
        }
        assembled.addComponent(true, frame.content());
        if (frame.isFinalFragment()) {
            fragments = null;
            message(assembled, fragmentsText);
        }
    }

    /**
     * Hands one complete message to the connection, taking ownership of {@code content}. A whole message can pass
     * the limit only where permessage-deflate inflated it (the decoder bounds frames, and fragments are counted
     * above): it closes with 1009 like any other.
     */
    private void message(ByteBuf content, boolean text) {
        if (content.readableBytes() > maxMessageBytes) {
            content.release();
            connection.startClose(CloseCodes.MESSAGE_TOO_BIG, tooBig());
            return;
        }
        connection.received(content, text);
    }

    private String tooBig() {
        return "Message too big (max " + maxMessageBytes + " bytes)";
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        keepalive.stop();
        if (fragments != null) {
            fragments.release();
            fragments = null;
        }
        connection.terminate();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof CorruptedWebSocketFrameException bad) {
            // Bad frames, bad UTF-8, bad close codes, oversized frames: Netty's decoder stopped decoding; we fail
            // the connection with the code it chose.
            log.debug("Session {}: protocol violation: {}", connection.id(), bad.getMessage());
            String reason = bad.getMessage() == null ? bad.closeStatus().reasonText() : bad.getMessage();
            connection.failConnection(bad.closeStatus().code(), reason, bad);
            return;
        }
        if (cause instanceof TooLongFrameException || inflatedPastLimit(cause)) {
            // A compressed message that aggregates, or inflates, past maxMessageBytes.
            log.debug("Session {}: message too big: {}", connection.id(), cause.getMessage());
            connection.failConnection(CloseCodes.MESSAGE_TOO_BIG, tooBig(), cause);
            return;
        }
        if (cause instanceof DecoderException || cause instanceof CodecException) {
            // permessage-deflate data that does not inflate.
            log.debug("Session {}: undecodable frame: {}", connection.id(), cause.toString());
            connection.failConnection(CloseCodes.PROTOCOL_ERROR, "Invalid compressed data", cause);
            return;
        }
        if (cause instanceof IOException) {
            log.debug("Session {}: I/O error: {}", connection.id(), cause.toString());
        } else {
            log.warn("Session {}: unexpected error; closing the connection", connection.id(), cause);
        }
        ctx.close();
    }

    /**
     * Whether the inflater stopped at its allocation limit (maxMessageBytes). Netty reports that as a
     * {@link DecompressionException} with this message, possibly wrapped by the deflate decoder.
     */
    private static boolean inflatedPastLimit(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof DecompressionException
                    && String.valueOf(t.getMessage()).startsWith("Decompression buffer has reached maximum size")) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        connection.writabilityChanged();
        ctx.fireChannelWritabilityChanged();
    }
}
