package dev.tether.cli.soak;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A blocking WebSocket client on a plain socket, as a generic (JSON) client: enough to upgrade, send masked TEXT and
 * close frames and read frames. The soak test needs what a real client library never does: stop reading a socket
 * altogether, and drop it without a close frame (with a FIN or a reset).
 */
final class RawWebSocket implements AutoCloseable {
    private static final int OP_TEXT = 0x1;
    private static final int OP_CLOSE = 0x8;

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    private RawWebSocket(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /**
     * Connects to {@code host:port} and upgrades {@code /}. A {@code receiveBufferBytes} above 0 sets the socket's
     * receive buffer before connecting (a small one makes a reader that stops reading fill up quickly).
     *
     * @throws IOException if the connection or the upgrade fails
     */
    static RawWebSocket open(String host, int port, int receiveBufferBytes, int timeoutMillis) throws IOException {
        Socket socket = new Socket();
        try {
            if (receiveBufferBytes > 0) {
                socket.setReceiveBufferSize(receiveBufferBytes);
            }
            socket.setSoTimeout(timeoutMillis);
            socket.connect(new InetSocketAddress(host, port), timeoutMillis);
            RawWebSocket ws = new RawWebSocket(socket);
            ws.upgrade(host, port);
            return ws;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    private void upgrade(String host, int port) throws IOException {
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        String request = "GET / HTTP/1.1\r\nHost: " + host + ":" + port + "\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: "
                + Base64.getEncoder().encodeToString(nonce)
                + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String head = readHead(in);
        if (!head.startsWith("HTTP/1.1 101")) {
            throw new IOException("upgrade refused: " + head.lines().findFirst().orElse("") + " (expected: 101)");
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed during the upgrade");
            }
            head.write(b);
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
                    ? matched + 1
                    : (b == '\r' ? 1 : 0);
            if (head.size() > 16_384) {
                throw new IOException("upgrade answer longer than 16 KiB");
            }
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    /** Sends one masked TEXT frame. */
    void sendText(String text) throws IOException {
        send(OP_TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends a close frame with {@code code}, the first half of a clean close. */
    void sendClose(int code) throws IOException {
        send(OP_CLOSE, new byte[] {(byte) (code >> 8), (byte) code});
    }

    private void send(int opcode, byte[] payload) throws IOException {
        ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
        frame.write(0x80 | opcode);
        if (payload.length < 126) {
            frame.write(0x80 | payload.length);
        } else if (payload.length < 65_536) {
            frame.write(0x80 | 126);
            frame.write(payload.length >> 8);
            frame.write(payload.length);
        } else {
            frame.write(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                frame.write((int) ((long) payload.length >> shift));
            }
        }
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        frame.write(mask);
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ mask[i & 3]);
        }
        out.write(frame.toByteArray());
        out.flush();
    }

    /**
     * Reads frames until a TEXT frame or a close frame; returns the text, or {@code null} for a close frame.
     *
     * @throws IOException on a read error, the end of the stream or the socket's timeout
     */
    @org.jspecify.annotations.Nullable
    String readText() throws IOException {
        while (true) {
            int first = in.readUnsignedByte();
            int second = in.readUnsignedByte();
            long length = second & 0x7F;
            if (length == 126) {
                length = in.readUnsignedShort();
            } else if (length == 127) {
                length = in.readLong();
            }
            if (length > (16 << 20)) {
                throw new IOException("frame of " + length + " bytes (expected: at most 16 MiB)");
            }
            byte[] payload = new byte[(int) length];
            in.readFully(payload);
            int opcode = first & 0x0F;
            if (opcode == OP_CLOSE) {
                return null;
            }
            if (opcode == OP_TEXT) {
                return new String(payload, StandardCharsets.UTF_8);
            }
        }
    }

    /** Ends the connection with a TCP reset: no close frame, no FIN. */
    void reset() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    /** Closes the socket without a close frame (a FIN). */
    @Override
    public void close() throws IOException {
        socket.close();
    }
}
