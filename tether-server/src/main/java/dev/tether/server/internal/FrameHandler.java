package dev.tether.server.internal;

import dev.tether.core.CloseCodes;
import dev.tether.core.Packet;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
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
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of an upgraded channel: reassembles messages within the size limit, answers control frames,
 * runs the closing handshake and the keepalive, and hands decoded packets to the session.
 *
 * <p>Frame-level violations (bad opcodes, reserved bits, invalid UTF-8, oversized frames, bad close codes) are
 * answered by Netty's decoder and {@code Utf8FrameValidator} before they get here; they arrive as a
 * {@link CorruptedWebSocketFrameException} whose close code the session records.
 */
final class FrameHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(FrameHandler.class);

    private final DefaultSession session;
    private final int maxMessageBytes;
    private final long pingIntervalNanos;
    private final long idleTimeoutNanos;

    private @Nullable CompositeByteBuf fragments;
    private boolean discardingOversized;
    private long lastReadNanos = System.nanoTime();
    private boolean pingSent;
    private @Nullable ScheduledFuture<?> keepalive;

    FrameHandler(DefaultSession session, int maxMessageBytes, long pingIntervalNanos, long idleTimeoutNanos) {
        this.session = session;
        this.maxMessageBytes = maxMessageBytes;
        this.pingIntervalNanos = pingIntervalNanos;
        this.idleTimeoutNanos = idleTimeoutNanos;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        scheduleKeepalive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        lastReadNanos = System.nanoTime();
        pingSent = false;
        if (!(msg instanceof WebSocketFrame frame)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (frame instanceof PingWebSocketFrame) {
            if (!session.closing()) {
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
            session.peerClosed(code < 0 ? 1005 : code, reason, reply);
        } else if (session.closing()) {
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
            message(frame.content());
            return;
        }
        if (!continuation) {
            fragments = ctx.alloc().compositeBuffer(Integer.MAX_VALUE);
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
            session.startClose(CloseCodes.MESSAGE_TOO_BIG, "Message too big (max " + maxMessageBytes + " bytes)");
            return;
        }
        assembled.addComponent(true, frame.content());
        if (frame.isFinalFragment()) {
            fragments = null;
            message(assembled);
        }
    }

    /** Decodes one complete message and hands it to the session. Takes ownership of {@code content}. */
    private void message(ByteBuf content) {
        Packet packet;
        try {
            if (content.hasArray()) {
                packet = session.codec()
                        .decode(
                                content.array(),
                                content.arrayOffset() + content.readerIndex(),
                                content.readableBytes());
            } else {
                packet = session.codec().decode(ByteBufUtil.getBytes(content));
            }
        } finally {
            content.release();
        }
        session.received(packet);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (keepalive != null) {
            keepalive.cancel(false);
        }
        if (fragments != null) {
            fragments.release();
            fragments = null;
        }
        session.terminate();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof CorruptedWebSocketFrameException bad) {
            // Bad frames, bad UTF-8, bad close codes, oversized frames: Netty's decoder stopped decoding; we fail
            // the connection with the code it chose.
            log.debug("Session {}: protocol violation: {}", session.id(), bad.getMessage());
            String reason = bad.getMessage() == null ? bad.closeStatus().reasonText() : bad.getMessage();
            session.failConnection(bad.closeStatus().code(), reason);
            return;
        }
        if (cause instanceof TooLongFrameException || inflatedPastLimit(cause)) {
            // A compressed message that aggregates, or inflates, past maxMessageBytes.
            log.debug("Session {}: message too big: {}", session.id(), cause.getMessage());
            session.failConnection(CloseCodes.MESSAGE_TOO_BIG, "Message too big (max " + maxMessageBytes + " bytes)");
            return;
        }
        if (cause instanceof DecoderException || cause instanceof CodecException) {
            // permessage-deflate data that does not inflate.
            log.debug("Session {}: undecodable frame: {}", session.id(), cause.toString());
            session.failConnection(CloseCodes.PROTOCOL_ERROR, "Invalid compressed data");
            return;
        }
        if (cause instanceof IOException) {
            log.debug("Session {}: I/O error: {}", session.id(), cause.toString());
        } else {
            log.warn("Session {}: unexpected error; closing the connection", session.id(), cause);
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
        session.writabilityChanged();
        ctx.fireChannelWritabilityChanged();
    }

    // ---- keepalive -----------------------------------------------------------------------------------------

    private void scheduleKeepalive(ChannelHandlerContext ctx) {
        long next = nextCheckNanos();
        if (next > 0) {
            keepalive = ctx.executor().schedule(() -> checkIdle(ctx), next, TimeUnit.NANOSECONDS);
        }
    }

    /** Nanoseconds until the next ping or idle deadline, or 0 when both are off. */
    private long nextCheckNanos() {
        long idle = System.nanoTime() - lastReadNanos;
        long next = Long.MAX_VALUE;
        if (pingIntervalNanos > 0 && !pingSent) {
            next = Math.min(next, pingIntervalNanos - idle);
        }
        if (idleTimeoutNanos > 0) {
            next = Math.min(next, idleTimeoutNanos - idle);
        }
        if (next == Long.MAX_VALUE) {
            return pingIntervalNanos > 0 ? pingIntervalNanos : 0;
        }
        return Math.max(next, TimeUnit.MILLISECONDS.toNanos(1));
    }

    private void checkIdle(ChannelHandlerContext ctx) {
        if (!ctx.channel().isActive() || session.closing()) {
            return;
        }
        long idle = System.nanoTime() - lastReadNanos;
        if (idleTimeoutNanos > 0 && idle >= idleTimeoutNanos) {
            log.debug("Session {}: nothing received for {} ms; closing", session.id(), idle / 1_000_000);
            session.startClose(CloseCodes.INTERNAL_ERROR, "keepalive ping timeout");
            return;
        }
        if (pingIntervalNanos > 0 && idle >= pingIntervalNanos && !pingSent) {
            pingSent = true;
            ctx.writeAndFlush(new PingWebSocketFrame());
        }
        scheduleKeepalive(ctx);
    }
}
