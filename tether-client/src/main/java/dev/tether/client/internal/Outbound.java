package dev.tether.client.internal;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/** A message accepted by {@code send}: its payload, its size against the byte limit, and its caller's future. */
final class Outbound {
    final @Nullable String text;
    final byte @Nullable [] bytes;
    final long size;
    final boolean withRetry;
    final CompletableFuture<Void> result = new CompletableFuture<>();
    /** Whether the one resend of {@code sendWithRetry} has been used. */
    boolean retried;

    private Outbound(@Nullable String text, byte @Nullable [] bytes, long size, boolean withRetry) {
        this.text = text;
        this.bytes = bytes;
        // An empty message still occupies a slot: count it as one byte so that the limit bounds the count too.
        this.size = Math.max(1, size);
        this.withRetry = withRetry;
    }

    static Outbound text(String text, boolean withRetry) {
        return new Outbound(text, null, ByteBufUtil.utf8Bytes(text), withRetry);
    }

    static Outbound binary(byte[] bytes, boolean withRetry) {
        return new Outbound(null, bytes.clone(), bytes.length, withRetry);
    }

    WebSocketFrame frame(ByteBufAllocator alloc) {
        if (text != null) {
            return new TextWebSocketFrame(ByteBufUtil.writeUtf8(alloc, text));
        }
        return new BinaryWebSocketFrame(Unpooled.wrappedBuffer(bytes == null ? new byte[0] : bytes));
    }
}
