package dev.tether.testing.internal;

import dev.tether.testing.Frame;
import dev.tether.testing.HandshakeResponse;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Reads the server's HTTP answer and then, after a 101, its WebSocket frames, accepting whatever arrives: a test
 * client must report what the server sent, not refuse it. Emits one {@link HandshakeResponse}, then
 * {@link Frame}s, plus a {@link ProtocolViolation} for each rule of RFC 6455 the framing breaks.
 *
 * <p>One decoder for both, rather than Netty's HTTP codec followed by a frame decoder, so that frames that follow
 * the 101 in the same TCP segment are never lost while handlers are swapped.
 */
public final class ClientWireDecoder extends ByteToMessageDecoder {
    private static final int MAX_HEAD_BYTES = 64 << 10;

    private enum State {
        HEAD,
        BODY,
        FRAMES,
        DONE
    }

    private final long maxFrameBytes;
    private State state = State.HEAD;

    private int status;
    private String reasonPhrase = "";
    private Map<String, List<String>> headers = Map.of();
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private long bodyRemaining; // -1: until the connection closes
    private boolean chunked;
    private long chunkRemaining = -1; // -1: a chunk size line comes next

    public ClientWireDecoder(long maxFrameBytes) {
        this.maxFrameBytes = maxFrameBytes;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        switch (state) {
            case HEAD -> decodeHead(in, out);
            case BODY -> decodeBody(in, out);
            case FRAMES -> decodeFrame(ctx, in, out);
            case DONE -> in.skipBytes(in.readableBytes());
        }
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (in.isReadable()) {
            decode(ctx, in, out);
        }
        if (state == State.HEAD) {
            out.add(HandshakeResponse.none());
        } else if (state == State.BODY) {
            out.add(response());
        }
        state = State.DONE;
    }

    private void decodeHead(ByteBuf in, List<Object> out) {
        int end = indexOfBlankLine(in);
        if (end < 0) {
            if (in.readableBytes() > MAX_HEAD_BYTES) {
                in.skipBytes(in.readableBytes());
                out.add(new HandshakeResponse(
                        0, "response head over " + MAX_HEAD_BYTES + " bytes", Map.of(), new byte[0]));
                state = State.DONE;
            }
            return;
        }
        String head = in.readCharSequence(end - in.readerIndex(), StandardCharsets.ISO_8859_1)
                .toString();
        in.skipBytes(4);
        parseHead(head);
        if (status == 101) {
            out.add(response());
            state = State.FRAMES;
            return;
        }
        String length = firstHeader("content-length");
        String transferEncoding = firstHeader("transfer-encoding");
        if (transferEncoding != null
                && transferEncoding.toLowerCase(Locale.ROOT).contains("chunked")) {
            chunked = true;
        } else if (length != null) {
            bodyRemaining = parseLong(length.trim());
        } else if (status == 204 || status == 304 || status < 200) {
            bodyRemaining = 0;
        } else {
            bodyRemaining = -1;
        }
        state = State.BODY;
        decodeBody(in, out);
    }

    private void decodeBody(ByteBuf in, List<Object> out) {
        if (chunked) {
            decodeChunks(in, out);
            return;
        }
        int n = bodyRemaining < 0 ? in.readableBytes() : (int) Math.min(bodyRemaining, in.readableBytes());
        copy(in, n);
        if (bodyRemaining >= 0) {
            bodyRemaining -= n;
            if (bodyRemaining == 0) {
                out.add(response());
                state = State.DONE;
            }
        }
    }

    private void decodeChunks(ByteBuf in, List<Object> out) {
        while (in.isReadable()) {
            if (chunkRemaining < 0) {
                int lineEnd = indexOfCrlf(in);
                if (lineEnd < 0) {
                    return;
                }
                String line = in.readCharSequence(lineEnd - in.readerIndex(), StandardCharsets.ISO_8859_1)
                        .toString();
                in.skipBytes(2);
                int semicolon = line.indexOf(';');
                long size = parseHex((semicolon < 0 ? line : line.substring(0, semicolon)).trim());
                if (size <= 0) {
                    // The last chunk; trailers are not needed by any test.
                    out.add(response());
                    state = State.DONE;
                    in.skipBytes(in.readableBytes());
                    return;
                }
                chunkRemaining = size + 2; // the chunk and its CRLF
            }
            int n = (int) Math.min(chunkRemaining, in.readableBytes());
            long dataLeft = Math.max(0, chunkRemaining - 2);
            int data = (int) Math.min(n, dataLeft);
            copy(in, data);
            in.skipBytes(n - data);
            chunkRemaining -= n;
            if (chunkRemaining == 0) {
                chunkRemaining = -1;
            }
        }
    }

    private void decodeFrame(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (in.readableBytes() < 2) {
            return;
        }
        int start = in.readerIndex();
        int b0 = in.getUnsignedByte(start);
        int b1 = in.getUnsignedByte(start + 1);
        boolean masked = (b1 & 0x80) != 0;
        int length7 = b1 & 0x7F;
        int headerBytes = 2 + (length7 == 126 ? 2 : length7 == 127 ? 8 : 0) + (masked ? 4 : 0);
        if (in.readableBytes() < headerBytes) {
            return;
        }
        long length =
                length7 == 126 ? in.getUnsignedShort(start + 2) : length7 == 127 ? in.getLong(start + 2) : length7;
        if (length < 0 || length > maxFrameBytes) {
            out.add(new ProtocolViolation(
                    "frame length " + length + " (expected: 0.." + maxFrameBytes + "); closing the connection"));
            in.skipBytes(in.readableBytes());
            state = State.DONE;
            ctx.close();
            return;
        }
        if (in.readableBytes() < headerBytes + length) {
            return;
        }
        if ((length7 == 126 && length < 126) || (length7 == 127 && length <= 0xFFFF)) {
            out.add(new ProtocolViolation("frame length " + length + " not in its shortest encoding"));
        }
        if (masked) {
            out.add(new ProtocolViolation("the server sent a masked frame"));
        }
        byte[] mask = new byte[4];
        if (masked) {
            in.getBytes(start + headerBytes - 4, mask);
        }
        in.skipBytes(headerBytes);
        byte[] payload = new byte[(int) length];
        in.readBytes(payload);
        if (masked) {
            for (int i = 0; i < payload.length; i++) {
                payload[i] ^= mask[i & 3];
            }
        }
        out.add(new Frame(b0 & 0x0F, (b0 & 0x80) != 0, (b0 >> 4) & 0x07, payload));
    }

    private HandshakeResponse response() {
        return new HandshakeResponse(status, reasonPhrase, headers, body.toByteArray());
    }

    private void parseHead(String head) {
        String[] lines = head.split("\r\n", -1);
        String[] statusLine = lines[0].split(" ", 3);
        if (statusLine.length < 2 || !statusLine[0].startsWith("HTTP/")) {
            status = 0;
            reasonPhrase = "malformed status line: " + lines[0];
        } else {
            status = (int) parseLong(statusLine[1]);
            reasonPhrase = statusLine.length > 2 ? statusLine[2] : "";
        }
        Map<String, List<String>> parsed = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                parsed.computeIfAbsent(
                                lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                        .add(lines[i].substring(colon + 1).trim());
            }
        }
        parsed.replaceAll((k, v) -> List.copyOf(v));
        headers = parsed;
    }

    private @Nullable String firstHeader(String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    private void copy(ByteBuf in, int n) {
        byte[] bytes = new byte[n];
        in.readBytes(bytes);
        body.write(bytes, 0, n);
    }

    private static int indexOfBlankLine(ByteBuf in) {
        for (int i = in.readerIndex(); i + 3 < in.writerIndex(); i++) {
            if (in.getByte(i) == '\r'
                    && in.getByte(i + 1) == '\n'
                    && in.getByte(i + 2) == '\r'
                    && in.getByte(i + 3) == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static int indexOfCrlf(ByteBuf in) {
        for (int i = in.readerIndex(); i + 1 < in.writerIndex(); i++) {
            if (in.getByte(i) == '\r' && in.getByte(i + 1) == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static long parseLong(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static long parseHex(String s) {
        try {
            return Long.parseLong(s, 16);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
