package dev.tether.testing.internal;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Locale;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.jspecify.annotations.Nullable;

/**
 * The client's side of permessage-deflate (RFC 7692) with the JDK's zlib: compresses outgoing messages and
 * inflates incoming ones, keeping the sliding window between messages unless the server asked otherwise.
 *
 * <p>The client never offers {@code client_max_window_bits}, because {@link Deflater} always uses a 32 KiB
 * window; an {@link Inflater} reads any window size, so {@code server_max_window_bits} needs nothing.
 */
public final class PerMessageDeflate {
    private static final byte[] TAIL = {0, 0, (byte) 0xFF, (byte) 0xFF};

    private final boolean serverNoContextTakeover;
    private final boolean clientNoContextTakeover;
    private final Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
    private final Inflater inflater = new Inflater(true);

    private PerMessageDeflate(boolean serverNoContextTakeover, boolean clientNoContextTakeover) {
        this.serverNoContextTakeover = serverNoContextTakeover;
        this.clientNoContextTakeover = clientNoContextTakeover;
    }

    /**
     * The agreed settings from the server's {@code Sec-WebSocket-Extensions} answer, or {@code null} if it did
     * not accept permessage-deflate.
     */
    public static @Nullable PerMessageDeflate fromResponse(@Nullable String extensions) {
        if (extensions == null) {
            return null;
        }
        for (String extension : extensions.split(",", -1)) {
            String[] params = extension.split(";", -1);
            if (!params[0].trim().equalsIgnoreCase("permessage-deflate")) {
                continue;
            }
            boolean serverNoContext = false;
            boolean clientNoContext = false;
            for (int i = 1; i < params.length; i++) {
                String name = params[i].split("=", 2)[0].trim().toLowerCase(Locale.ROOT);
                serverNoContext |= name.equals("server_no_context_takeover");
                clientNoContext |= name.equals("client_no_context_takeover");
            }
            return new PerMessageDeflate(serverNoContext, clientNoContext);
        }
        return null;
    }

    /** Compresses one whole message; the result goes out with RSV1 on its first frame. */
    public synchronized byte[] compress(byte[] message) {
        deflater.setInput(message);
        ByteArrayOutputStream out = new ByteArrayOutputStream(message.length / 2 + 16);
        byte[] buffer = new byte[8192];
        int n;
        do {
            n = deflater.deflate(buffer, 0, buffer.length, Deflater.SYNC_FLUSH);
            out.write(buffer, 0, n);
        } while (n == buffer.length); // SYNC_FLUSH: a full buffer means more output is pending
        if (clientNoContextTakeover) {
            deflater.reset();
        }
        byte[] compressed = out.toByteArray();
        if (compressed.length >= 4 && Arrays.equals(compressed, compressed.length - 4, compressed.length, TAIL, 0, 4)) {
            return Arrays.copyOf(compressed, compressed.length - 4);
        }
        return compressed;
    }

    /**
     * Inflates one whole message (its frames' payloads joined).
     *
     * @throws DataFormatException if the server sent bytes that are not deflate data
     */
    public synchronized byte[] decompress(byte[] compressed) throws DataFormatException {
        byte[] input = Arrays.copyOf(compressed, compressed.length + 4);
        System.arraycopy(TAIL, 0, input, compressed.length, 4);
        inflater.setInput(input);
        ByteArrayOutputStream out = new ByteArrayOutputStream(compressed.length * 2 + 16);
        byte[] buffer = new byte[8192];
        while (true) {
            int n = inflater.inflate(buffer);
            out.write(buffer, 0, n);
            if (n == 0) {
                break; // all input consumed (or a stream end or dictionary request no server sends)
            }
        }
        if (serverNoContextTakeover) {
            inflater.reset();
        }
        return out.toByteArray();
    }

    /** Frees zlib's native memory; the object is unusable afterwards. */
    public synchronized void end() {
        deflater.end();
        inflater.end();
    }
}
