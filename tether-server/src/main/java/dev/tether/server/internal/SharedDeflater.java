package dev.tether.server.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.ByteBuffer;
import java.util.Queue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.zip.Deflater;
import org.jspecify.annotations.Nullable;

/**
 * Compresses a message once for every permessage-deflate session that takes shared frames
 * ({@link SessionWriter#takesSharedCompressedFrames}): with no context taken over, the compressed bytes of a message
 * do not depend on the session, so one frame serves them all. The frame is what RFC 7692 §7.2.1 says a session's
 * compressor sends: the message deflated with a sync flush, its trailing {@code 00 00 ff ff} removed, RSV1 set.
 *
 * <p>Called by the thread that publishes; JDK Deflaters are reset and pooled between messages (a new one costs a
 * zlib init of about 256 KiB), at most {@link #POOLED} of them, and ended when the pool is full (the pooled ones
 * are ended by their Cleaner once the server is gone).
 */
final class SharedDeflater {
    /** Deflaters kept between messages: one per thread that may publish at once, roughly. */
    static final int POOLED = 2 * Runtime.getRuntime().availableProcessors();

    private final Queue<Deflater> pool = new ArrayBlockingQueue<>(POOLED);
    private final int thresholdBytes;
    private final ServerCounters counters;

    SharedDeflater(int thresholdBytes, ServerCounters counters) {
        this.thresholdBytes = thresholdBytes;
        this.counters = counters;
    }

    /** Whether a message of {@code length} bytes is compressed at all. */
    boolean compresses(int length) {
        return length >= thresholdBytes;
    }

    /**
     * A new frame (header and payload, RSV1 set) of {@code payload}'s readable bytes compressed, or {@code null} when
     * compression would not make it smaller; the caller owns the frame.
     */
    @Nullable
    ByteBuf frame(ByteBuf payload, boolean text, ByteBufAllocator alloc) {
        int length = payload.readableBytes();
        Deflater deflater = pool.poll();
        if (deflater == null) {
            deflater = new Deflater(DeflateHandshaker.COMPRESSION_LEVEL, true);
        }
        // Room for the header in front, and for the flush's 4-byte tail: output that fills it is not smaller.
        ByteBuf frame = alloc.buffer(PreparedFrame.MAX_HEADER_BYTES + length + 4);
        frame.writerIndex(PreparedFrame.MAX_HEADER_BYTES).readerIndex(PreparedFrame.MAX_HEADER_BYTES);
        boolean done = false;
        try {
            counters.sharedCompression();
            deflater.setInput(payload.nioBuffer());
            ByteBuffer out = frame.nioBuffer(frame.writerIndex(), frame.writableBytes());
            deflater.deflate(out, Deflater.SYNC_FLUSH);
            int compressed = out.position() - 4; // without the tail 00 00 ff ff (§7.2.1)
            if (out.hasRemaining() && compressed < length) {
                frame.writerIndex(frame.writerIndex() + compressed);
                int start = frame.readerIndex() - PreparedFrame.headerBytes(compressed);
                PreparedFrame.setHeader(frame, start, compressed, text, true);
                frame.readerIndex(start);
                done = true;
                return frame;
            }
            return null;
        } finally {
            if (!done) {
                frame.release();
            }
            deflater.reset();
            if (!pool.offer(deflater)) {
                deflater.end();
            }
        }
    }
}
